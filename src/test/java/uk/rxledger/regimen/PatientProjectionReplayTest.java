package uk.rxledger.regimen;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import uk.rxledger.regimen.RegimenCommands.Recorded;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The patient read model rebuilt from the event stream alone equals the one built live. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PatientProjectionReplayTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    PatientProjection projection;
    @Autowired
    MongoDatabase database;
    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void aReplayRebuildsTheSameReadModel() {
        LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
        long last = 0;
        for (int p = 0; p < 30; p++) {
            String id = "replay-" + p;
            commands.sendAndWait(new RegimenCommands.RegisterPatient(id, "C83001", "U00001",
                                                                     LocalDate.of(1940 + p, 1, 1), Sex.OTHER, p % 2 == 0,
                                                                     Frailty.MILD));
            Recorded line = commands.sendAndWait(new RegimenCommands.StartMedicine(
                    id, "0103050P0AAAAAA", 1, 1, today.minusDays(60), "dyspepsia", null));
            commands.sendAndWait(new RegimenCommands.RecordDispensing(id, line.lineId(), 28, today.minusDays(60)));
            commands.sendAndWait(new RegimenCommands.ChangeDose(id, line.lineId(), 2, 1, today.minusDays(30), null));
            Recorded switched = commands.sendAndWait(new RegimenCommands.SwitchMedicine(
                    id, line.lineId(), "0103050E0AAAAAA", 1, 1, today.minusDays(20), SwitchReason.FORMULARY, null));
            last = commands.<Recorded>sendAndWait(new RegimenCommands.RecordAdherenceCheck(
                    id, switched.lineId(), today, AdherenceMethod.SELF_REPORT, today.minusDays(7), today, null,
                    1.0)).sequence();
        }
        assertThat(projection.awaitSequence("replay-29", last, Duration.ofSeconds(10))).isTrue();
        // Decision support goes on adding alerts to these streams for a moment: compare once nothing changes.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(new java.util.concurrent.Callable<>() {
            List<Document> previous = List.of();

            @Override
            public Boolean call() {
                List<Document> current = snapshot();
                boolean stable = current.equals(previous);
                previous = current;
                return stable;
            }
        });
        List<Document> live = snapshot();
        assertThat(live).hasSizeGreaterThanOrEqualTo(30);

        StreamingEventProcessor processor = processing
                .eventProcessor(PatientProjection.PROCESSING_GROUP, StreamingEventProcessor.class).orElseThrow();
        processor.shutDown();
        // Damage the read model: only a rebuild from the events can restore it.
        var patients = database.getCollection(PatientProjection.COLLECTION);
        patients.deleteOne(Filters.eq("_id", "replay-0"));
        patients.updateOne(Filters.eq("_id", "replay-1"), Updates.set("practice", "Z99999"));
        assertThat(database.getCollection(PatientProjection.LINES).updateOne(Filters.eq("_id", "replay-2/L1"),
                Updates.set("part.status", "DEPRESCRIBED")).getModifiedCount()).isEqualTo(1);
        assertThat(snapshot()).isNotEqualTo(live);
        processor.resetTokens();
        processor.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> !processor.isReplaying()
                && processor.processingStatus().values().stream().allMatch(s -> s.isCaughtUp()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(snapshot()).isEqualTo(live));
    }

    /**
     * The patients and their medicine lines, stored apart (ADR 0014). A line's {@code lastSeq} is its patient's when
     * the line was last written, which depends on how events fell into batches: left out.
     */
    private List<Document> snapshot() {
        List<Document> documents = new ArrayList<>();
        database.getCollection(PatientProjection.COLLECTION).find().sort(Sorts.ascending("_id")).into(documents);
        database.getCollection(PatientProjection.LINES).find().sort(Sorts.ascending("_id"))
                .forEach(line -> {
                    line.remove("lastSeq");
                    documents.add(line);
                });
        return documents;
    }
}
