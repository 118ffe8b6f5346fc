package uk.rxledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.ClockConfiguration;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.RegimenCommands;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;
import uk.rxledger.access.Role;
import uk.rxledger.support.ContractClient;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin rebuild over GraphQL: after a rebuild of a populated store (with its read models damaged first, so only a
 * replay from the events can restore them) the read models equal the ones built live.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReadModelRebuildTest {

    static final String REBUILD = """
            mutation Rebuild($input: RebuildReadModelInput!) {
              rebuildReadModel(input: $input) {
                rebuild { readModel status segmentCount segments { segment position replaying caughtUp error } }
                errors { code message field }
              }
            }""";
    static final String PROGRESS = """
            query Progress($readModel: String!) {
              readModels
              readModelRebuild(readModel: $readModel) {
                readModel status startedAt headPosition segmentCount
                segments { segment position replaying caughtUp error }
              }
            }""";
    static final LocalDate TODAY = LocalDate.now(ClockConfiguration.ZONE);

    @LocalServerPort
    int port;
    @Autowired
    CommandGateway commands;
    @Autowired
    MongoDatabase database;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    EventStore eventStore;
    @Autowired
    PatientStreams streams;

    @Test
    void rebuiltReadModelsEqualTheOnesBuiltLive() {
        ContractClient client = new ContractClient(port).as(Role.ADMIN);
        ContractClient auditor = new ContractClient(port).as(Role.AUDITOR);
        Settling settling = new Settling(processing, eventStore, streams);
        List<String> ids = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            String id = "rebuild-" + p + "-" + UUID.randomUUID();
            populate(id, p);
            ids.add(id);
        }
        ids.forEach(settling::settle);

        List<String> readModels = new ArrayList<>();
        client.post(PROGRESS, "Progress", Map.of("readModel", "patients")).at("/data/readModels")
              .forEach(n -> readModels.add(n.asText()));
        assertThat(readModels).contains("patients");
        // Read models kept in a collection of their own name (today: patients, and worklist once it exists).
        for (String readModel : List.of("patients", "worklist")) {
            if (!readModels.contains(readModel)) {
                continue;
            }
            List<Document> live = snapshot(readModel);
            assertThat(live).hasSizeGreaterThanOrEqualTo(ids.size());
            database.getCollection(readModel).deleteOne(Filters.eq("_id", ids.get(0)));
            database.getCollection(readModel).updateOne(Filters.eq("_id", ids.get(1)), Updates.set("practice", "Z99999"));
            assertThat(snapshot(readModel)).isNotEqualTo(live);

            JsonNode payload = client.post(REBUILD, "Rebuild", Map.of("input", Map.of("readModel", readModel)))
                                     .at("/data/rebuildReadModel");
            assertThat(payload.get("errors")).isEmpty();
            assertThat(payload.at("/rebuild/readModel").asText()).isEqualTo(readModel);
            assertThat(payload.at("/rebuild/status").asText()).isIn("STARTING", "REPLAYING", "CAUGHT_UP");
            // The service keeps answering meanwhile, from the store and from the read models.
            assertThat(auditor.post("{ regimenHistory(patientId: \"" + ids.get(2) + "\") { totalCount } }", null, null)
                             .at("/data/regimenHistory/totalCount").asInt()).isPositive();

            JsonNode done = awaitCaughtUp(client, readModel);
            assertThat(done.get("startedAt").isNull()).isFalse();
            assertThat(done.get("segmentCount").asInt()).as("one segment on the embedded server (ADR 0010)").isEqualTo(1);
            assertThat(done.get("segments")).hasSize(1);
            done.get("segments").forEach(s -> assertThat(s.get("position").asLong())
                    .isGreaterThanOrEqualTo(done.get("headPosition").asLong()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(snapshot(readModel)).isEqualTo(live));
            // The reset drops the collection (ReadModelReset); the read model's own indexes are created again.
            List<String> indexes = database.getCollection(readModel).listIndexes().map(i -> i.getString("name"))
                                           .into(new ArrayList<>());
            assertThat(indexes).contains("_id_");
            if (readModel.equals("worklist")) {
                assertThat(indexes).contains("practice_priority");
            }
        }
        assertThat(readModels).contains("worklist");
    }

    @Test
    void unknownReadModelsAreRejected() {
        ContractClient client = new ContractClient(port).as(Role.ADMIN);
        JsonNode payload = client.post(REBUILD, "Rebuild", Map.of("input", Map.of("readModel", "no-such-model")))
                                 .at("/data/rebuildReadModel");
        assertThat(payload.get("rebuild").isNull()).isTrue();
        assertThat(payload.at("/errors/0/code").asText()).isEqualTo("UNKNOWN_READ_MODEL");
        assertThat(payload.at("/errors/0/field").asText()).isEqualTo("readModel");
        JsonNode progress = client.post(PROGRESS, "Progress", Map.of("readModel", "no-such-model"));
        assertThat(progress.at("/errors/0/extensions/classification").asText()).isEqualTo("BAD_REQUEST");
    }

    /** A regimen with a dose change, a switch, a deprescribing and an alert raised and answered. */
    private void populate(String id, int p) {
        commands.sendAndWait(new RegimenCommands.RegisterPatient(id, "A8100" + (p % 3), "U12345",
                                                                 LocalDate.of(1940 + p, 1, 1), Sex.FEMALE, p % 2 == 0,
                                                                 Frailty.MILD));
        Recorded first = commands.sendAndWait(new RegimenCommands.StartMedicine(
                id, "0103050P0AAAAAA", 1, 1, TODAY.minusDays(90), "dyspepsia", null));
        Recorded second = commands.sendAndWait(new RegimenCommands.StartMedicine(
                id, "1001010P0AAAEAE", 1, 2, TODAY.minusDays(80), null, null));
        commands.sendAndWait(new RegimenCommands.RecordDispensing(id, first.lineId(), 28, TODAY.minusDays(60)));
        commands.sendAndWait(new RegimenCommands.ChangeDose(id, first.lineId(), 2, 1, TODAY.minusDays(50), null));
        commands.sendAndWait(new RegimenCommands.SwitchMedicine(id, first.lineId(), "0103050E0AAAAAA", 1, 1,
                                                                TODAY.minusDays(40), SwitchReason.FORMULARY, null));
        commands.sendAndWait(new RegimenCommands.DeprescribeMedicine(id, second.lineId(), TODAY.minusDays(10),
                                                                     DeprescribeReason.HIGH_RISK, 4.0, null));
        commands.sendAndWait(new RegimenCommands.ReconcileAlerts(id, TODAY, List.of(
                AuditEndToEndTest.finding("REBUILD_TEST", second.lineId()))));
    }

    private static JsonNode awaitCaughtUp(ContractClient client, String readModel) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode progress;
        do {
            progress = client.post(PROGRESS, "Progress", Map.of("readModel", readModel)).at("/data/readModelRebuild");
            if (progress.get("status").asText().equals("CAUGHT_UP")) {
                return progress;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Not caught up within 60 s: " + progress);
    }

    private List<Document> snapshot(String collection) {
        return database.getCollection(collection).find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
    }
}
