package uk.rxledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.eventstore.EventHashChain;
import uk.rxledger.eventstore.MongoEventStorageEngine;
import uk.rxledger.regimen.AdherenceChecked;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.RegimenCommands;
import uk.rxledger.access.Role;
import uk.rxledger.support.ContractClient;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ADR 0007's worked example: {@code AdherenceChecked} revision-1 events, stored as they were before revision 2 (no
 * threshold), read back as revision 2 with threshold 0.80 everywhere events are read: history, the aggregate's and the
 * processors' replay, the regimen as of an instant.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdherenceCheckedUpcastingTest {

    static final String METADATA = "{\"actor\":\"pharmacist-3\",\"role\":\"PHARMACIST\",\"correlationId\":\"legacy-1\"}";

    @LocalServerPort
    int port;
    @Autowired
    MongoDatabase database;
    @Autowired
    EventStore eventStore;
    @Autowired
    MongoEventStorageEngine engine;
    @Autowired
    CommandGateway commands;
    @Autowired
    PatientStreams streams;
    @Autowired
    PatientProjection patients;
    @Autowired
    RegimenAsOf asOf;
    @Autowired
    AuditTrailVerifier verifier;
    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void revisionOneEventsReadBackAsRevisionTwo() {
        String patientId = "legacy-" + UUID.randomUUID();
        String adherenceV1 = "{\"patientId\":\"" + patientId + "\",\"lineId\":\"L1\",\"checkedOn\":\"2025-03-01\","
                + "\"method\":\"SELF_REPORT\",\"periodStart\":\"2025-02-22\",\"periodEnd\":\"2025-02-28\","
                + "\"unitsRemaining\":null,\"dosesMissedPerWeek\":3.5,\"adherence\":0.5,\"adherent\":false}";
        storeAsBefore(patientId, List.of(
                new Legacy("uk.rxledger.regimen.PatientRegistered", "{\"patientId\":\"" + patientId + "\","
                        + "\"practice\":\"A81001\",\"pcn\":\"U12345\",\"birthDate\":\"1950-01-01\",\"sex\":\"MALE\","
                        + "\"careHomeResident\":false,\"frailty\":\"NONE\"}", "2025-01-10T09:00:00Z"),
                new Legacy("uk.rxledger.regimen.MedicineStarted", "{\"patientId\":\"" + patientId + "\","
                        + "\"lineId\":\"L1\",\"medicineCode\":\"0103050P0AAAAAA\",\"unitsPerDose\":1.0,"
                        + "\"dosesPerDay\":1.0,\"startedOn\":\"2025-01-10\",\"indication\":null,\"prescriber\":null}",
                        "2025-01-10T09:05:00Z"),
                new Legacy("uk.rxledger.regimen.AdherenceChecked", adherenceV1, "2025-03-01T10:00:00Z")));
        assertThat(database.getCollection("events").find(Filters.eq("streamKey", patientId + "/2")).first()
                           .getString("payload")).doesNotContain("threshold");
        new Settling(processing, eventStore, streams).settle(patientId);

        // History: revision 2, with the threshold.
        JsonNode history = new AuditOperations(new ContractClient(port).as(Role.AUDITOR))
                .run("RegimenHistory", Map.of("patientId", patientId)).at("/data/regimenHistory");
        JsonNode check = history.at("/edges/2/node");
        assertThat(check.get("type").asText()).isEqualTo("AdherenceChecked");
        assertThat(check.get("revision").asText()).isEqualTo("2");
        assertThat(check.at("/payload/threshold").asDouble()).isEqualTo(0.80);
        assertThat(check.at("/payload/adherence").asDouble()).isEqualTo(0.5);
        assertThat(check.get("occurredOn").asText()).isEqualTo("2025-03-01");
        assertThat(history.at("/edges/1/node/revision").asText()).isEqualTo("1"); // nothing to upcast there
        // Upcasting changes what is read, never what is stored: the chain still verifies.
        assertThat(verifier.verify(patientId).orElseThrow().valid()).isTrue();

        // The replay the aggregate and the processors get from the storage engine.
        List<? extends DomainEventMessage<?>> replay = eventStore.readEvents(patientId).asStream().toList();
        AdherenceChecked upcast = (AdherenceChecked) replay.get(2).getPayload();
        assertThat(upcast.threshold()).isEqualTo(0.80);
        assertThat(upcast.adherence()).isEqualTo(0.5);
        assertThat(upcast.adherent()).isFalse();

        // The patients read model, built live by its processor from the revision-1 documents.
        PatientView live = patients.find(patientId).orElseThrow();
        assertThat(live.adherenceChecks).hasSize(1);
        assertThat(live.adherenceChecks.get(0).adherence).isEqualTo(0.5);

        // The regimen as of an instant, rebuilt from the same upcast events.
        assertThat(streams.deserialize(streams.contiguous(patientId)).get(2))
                .isEqualTo(new AdherenceChecked(patientId, "L1", LocalDate.parse("2025-03-01"),
                                                AdherenceMethod.SELF_REPORT, LocalDate.parse("2025-02-22"),
                                                LocalDate.parse("2025-02-28"), null, 3.5, 0.5, false, 0.80));
        RegimenAsOf.AsOf then = asOf.at(patientId, OffsetDateTime.parse("2025-06-01T00:00:00Z")).orElseThrow();
        assertThat(then.lastSequence()).isEqualTo(2);
        assertThat(then.view().adherenceChecks).hasSize(1);
        assertThat(then.view().adherenceChecks.get(0).adherent).isFalse();
        assertThat(asOf.at(patientId, OffsetDateTime.parse("2025-02-01T00:00:00Z")).orElseThrow().lastSequence())
                .isEqualTo(1);

        // The aggregate loads from them and new checks are stored as revision 2.
        RegimenCommands.Recorded recorded = commands.sendAndWait(new RegimenCommands.RecordAdherenceCheck(
                patientId, "L1", LocalDate.parse("2025-04-01"), AdherenceMethod.SELF_REPORT,
                LocalDate.parse("2025-03-25"), LocalDate.parse("2025-03-31"), null, 0.0));
        Document stored = database.getCollection("events")
                .find(Filters.eq("streamKey", MongoEventStorageEngine.streamKey(patientId, recorded.sequence()))).first();
        assertThat(stored.getString("payloadRevision")).isEqualTo("2");
        assertThat(stored.getString("payload")).contains("\"threshold\":0.8");
    }

    record Legacy(String payloadType, String payload, String recordedAt) {
    }

    /** Appends documents exactly as the engine stored them before revision 2: global index, key, chain, revision "1". */
    private void storeAsBefore(String patientId, List<Legacy> legacy) {
        // As the engine wrote them then, from the counter; the running engine's block of indexes must not lie below them.
        engine.releaseIndexes();
        MongoCollection<Document> counters = database.getCollection(MongoEventStorageEngine.COUNTERS);
        MongoCollection<Document> events = database.getCollection(MongoEventStorageEngine.EVENTS);
        String previous = EventHashChain.GENESIS;
        for (int seq = 0; seq < legacy.size(); seq++) {
            long index = counters.findOneAndUpdate(Filters.eq("_id", "events"), Updates.inc("value", 1L),
                    new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER))
                                 .get("value", Number.class).longValue();
            Date at = Date.from(Instant.parse(legacy.get(seq).recordedAt()));
            Document document = new Document("_id", index)
                    .append("eventId", UUID.randomUUID().toString())
                    .append("timestamp", at)
                    .append("recordedAt", at)
                    .append("payloadType", legacy.get(seq).payloadType())
                    .append("payloadRevision", "1")
                    .append("payload", legacy.get(seq).payload())
                    .append("metaData", METADATA)
                    .append("streamKey", MongoEventStorageEngine.streamKey(patientId, seq))
                    .append("aggregateId", patientId)
                    .append("aggregateType", "PatientRegimen")
                    .append("seq", (long) seq);
            String hash = EventHashChain.hashOf(previous, document);
            events.insertOne(document.append("previousHash", previous).append("hash", hash));
            previous = hash;
        }
    }
}
