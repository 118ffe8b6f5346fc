package uk.rxledger.outcomes;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import uk.rxledger.decisionsupport.WorklistProjection;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.RegimenCommands;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;

import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At-least-once delivery: the patients (patient view, from which waste and savings are computed), worklist and
 * outcomes (population buckets) processors are stopped, their tokens moved back to the middle of this test's events
 * (as after a crash before the tokens were stored, without a reset) and restarted, so the later half of every
 * patient's events is handled a second time. The read models, and what the population queries answer, are unchanged.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class OutcomesRedeliveryTest {

    static final List<String> PROCESSORS = List.of(PatientProjection.PROCESSING_GROUP,
                                                   WorklistProjection.PROCESSING_GROUP,
                                                   OutcomesProjection.PROCESSING_GROUP);

    @Autowired
    CommandGateway commands;
    @Autowired
    MongoDatabase database;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    EventStore eventStore;
    @Autowired
    TokenStore tokenStore;
    @Autowired
    OutcomeQueries queries;

    final LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
    final String practice = "T" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
    final List<String> patients = new ArrayList<>();

    @Test
    void handlingEveryEventTwiceChangesNoReadModel() {
        // Half of each patient's history first; the redelivery goes back to the middle of the streams (as a crash
        // does: events since the last stored token come again, never from the patient's start only).
        List<String> naproxen = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            String id = "redelivery-" + java.util.UUID.randomUUID();
            patients.add(id);
            commands.sendAndWait(new RegimenCommands.RegisterPatient(id, practice, "U" + practice.substring(1),
                    today.minusYears(60 + 4 * p), Sex.FEMALE, p % 3 == 0, p % 2 == 0 ? Frailty.SEVERE : Frailty.NONE));
            naproxen.add(commands.<Recorded>sendAndWait(new RegimenCommands.StartMedicine(
                    id, "1001010P0AAAEAE", 1, 2, today.minusDays(40 + p), null, null)).lineId());
        }
        TrackingToken before = eventStore.createHeadToken();
        assertThat(before).isNotNull();
        for (int p = 0; p < 6; p++) {
            String id = patients.get(p);
            commands.sendAndWait(new RegimenCommands.RecordDispensing(id, naproxen.get(p), 56,
                                                                      today.minusDays(40 + p)));
            commands.sendAndWait(new RegimenCommands.ChangeDose(id, naproxen.get(p), 1, 1, today.minusDays(30),
                                                                null));
            if (p % 2 == 0) {
                commands.sendAndWait(new RegimenCommands.SwitchMedicine(id, naproxen.get(p), "1001010J0AAAEAE", 1,
                        3, today.minusDays(10), SwitchReason.SIDE_EFFECTS, p == 0 ? 6.0 : null));
            } else {
                commands.sendAndWait(new RegimenCommands.DeprescribeMedicine(id, naproxen.get(p),
                        today.minusDays(12), DeprescribeReason.HIGH_RISK, null, null));
            }
            Recorded ppi = commands.sendAndWait(new RegimenCommands.StartMedicine(
                    id, "0103050E0AAAAAA", 1, 1, today.minusDays(20), null, null));
            commands.sendAndWait(new RegimenCommands.RecordDispensing(id, ppi.lineId(), 28, today.minusDays(20)));
            commands.sendAndWait(new RegimenCommands.RecordAdherenceCheck(id, ppi.lineId(), today.minusDays(1),
                    AdherenceMethod.PILL_COUNT, today.minusDays(8), today.minusDays(1), 15.0 + p, null));
            commands.sendAndWait(new RegimenCommands.CompleteMedicationReview(id, today.minusDays(p), "pharmacist",
                    ReviewKind.STRUCTURED, null));
        }
        Map<String, StreamingEventProcessor> processors = new LinkedHashMap<>();
        PROCESSORS.forEach(name -> processors.put(name, processing
                .eventProcessor(name, StreamingEventProcessor.class).orElseThrow()));
        Map<String, Object> live = settled(processors);
        Map<String, Long> livePositions = positions(processors);
        assertThat(((Number) ((Document) live.get("totals")).get("n")).intValue()).as("buckets of the practice")
                .isPositive();

        processors.forEach((name, processor) -> {
            processor.shutDown();
            for (int segment : tokenStore.fetchSegments(name)) {
                tokenStore.fetchToken(name, segment); // claims it for this node
                tokenStore.storeToken(before, name, segment);
                tokenStore.releaseClaim(name, segment);
            }
        });
        long rewound = before.position().orElse(-1);
        PROCESSORS.forEach(name -> {
            for (int segment : tokenStore.fetchSegments(name)) {
                assertThat(tokenStore.fetchToken(name, segment).position().orElse(-1)).isEqualTo(rewound);
                tokenStore.releaseClaim(name, segment);
            }
        });
        assertThat(livePositions.values()).allSatisfy(p -> assertThat(p).isGreaterThan(rewound));
        processors.values().forEach(StreamingEventProcessor::start);

        Map<String, Object> redelivered = settled(processors);
        // every segment read this test's events again, up to where it had been
        positions(processors).forEach((name, position) -> assertThat(position).as(name)
                .isGreaterThanOrEqualTo(livePositions.get(name)));
        assertThat(redelivered).isEqualTo(live);
    }

    /** The read models once every processor has caught up and they stopped changing (alert events included). */
    private Map<String, Object> settled(Map<String, StreamingEventProcessor> processors) {
        AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            boolean caughtUp = processors.values().stream().allMatch(p -> p.isRunning()
                    && !p.processingStatus().isEmpty()
                    && p.processingStatus().values().stream().allMatch(s -> s.isCaughtUp()));
            Map<String, Object> now = snapshot();
            boolean stable = now.equals(last.getAndSet(now));
            return caughtUp && stable;
        });
        return last.get();
    }

    /** The lowest position any segment of each processor has reached. */
    private static Map<String, Long> positions(Map<String, StreamingEventProcessor> processors) {
        Map<String, Long> positions = new LinkedHashMap<>();
        processors.forEach((name, processor) -> positions.put(name, processor.processingStatus().values().stream()
                .map(s -> s.getCurrentPosition()).mapToLong(p -> p.orElse(-1)).min().orElse(-1)));
        return positions;
    }

    /**
     * This test's documents as the queries read them (without the ledger's redo log and batch marks, which record
     * processing, not the read model), and the population answers for the practice.
     */
    private Map<String, Object> snapshot() {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("patients", sorted(PatientProjection.COLLECTION, Filters.eq("practice", practice)));
        snapshot.put("lines", sorted(PatientProjection.LINES, Filters.in("owner", patients)));
        snapshot.put("worklist", sorted(WorklistProjection.COLLECTION, Filters.eq("practice", practice)));
        List<Document> contributions = new ArrayList<>();
        database.getCollection(OutcomesProjection.PATIENTS).find(Filters.in("_id", patients))
                .sort(Sorts.ascending("_id"))
                .forEach(d -> contributions.add(new Document("_id", d.get("_id")).append("c", d.get("c"))));
        snapshot.put("contributions", contributions);
        List<Document> totals = new ArrayList<>();
        database.getCollection(OutcomesProjection.TOTALS).find(Filters.eq("practice", practice))
                .sort(Sorts.ascending("_id")).forEach(d -> {
                    d.remove("mark");
                    totals.add(d);
                });
        snapshot.put("totals", new Document("n", totals.size()).append("documents", totals));
        YearMonth month = YearMonth.from(today);
        snapshot.put("metrics", List.of(queries.practiceMetrics(practice, month),
                                        queries.practiceMetrics(practice, month.minusMonths(1))));
        snapshot.put("waste", queries.waste(Grouping.CATEGORY, practice, null, null, null));
        snapshot.put("savings", queries.savings(Grouping.REASON, practice, null, null, null));
        return snapshot;
    }

    private List<Document> sorted(String collection, org.bson.conversions.Bson filter) {
        return database.getCollection(collection).find(filter).sort(Sorts.ascending("_id")).into(new ArrayList<>());
    }
}
