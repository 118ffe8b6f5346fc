package uk.rxledger.outcomes;

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
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.RegimenCommands;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The outcome read models rebuilt from the event stream alone equal the ones built live. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class OutcomesReplayTest {

    @Autowired
    CommandGateway commands;
    @Autowired
    MongoDatabase database;
    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void aRebuildFromTheEventsEqualsTheLiveReadModels() {
        LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
        for (int p = 0; p < 24; p++) {
            String practice = "R" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
            String id = "outcomes-replay-" + java.util.UUID.randomUUID();
            commands.sendAndWait(new RegimenCommands.RegisterPatient(id, practice, p % 3 == 0 ? null : "U0000" + p % 3,
                    today.minusYears(50 + p), Sex.MALE, p % 4 == 0, p % 5 == 0 ? Frailty.SEVERE : Frailty.MILD));
            Recorded line = commands.sendAndWait(new RegimenCommands.StartMedicine(
                    id, "1001010P0AAAEAE", 1, 2, today.minusDays(60 + p), null, null));
            commands.sendAndWait(new RegimenCommands.RecordDispensing(id, line.lineId(), 56, today.minusDays(60 + p)));
            commands.sendAndWait(new RegimenCommands.ChangeDose(id, line.lineId(), 1, 1, today.minusDays(40), null));
            if (p % 2 == 0) {
                commands.sendAndWait(new RegimenCommands.SwitchMedicine(id, line.lineId(), "1001010J0AAAEAE", 1, 3,
                        today.minusDays(30), SwitchReason.SIDE_EFFECTS, null));
            } else {
                commands.sendAndWait(new RegimenCommands.DeprescribeMedicine(id, line.lineId(), today.minusDays(35),
                        DeprescribeReason.PATIENT_REQUEST, p % 3 == 0 ? 4.0 : null, null));
            }
            Recorded ppi = commands.sendAndWait(new RegimenCommands.StartMedicine(
                    id, "0103050E0AAAAAA", 1, 1, today.minusDays(20), null, null));
            commands.sendAndWait(new RegimenCommands.RecordDispensing(id, ppi.lineId(), 28, today.minusDays(20)));
            commands.sendAndWait(new RegimenCommands.RecordAdherenceCheck(id, ppi.lineId(), today.minusDays(2),
                    AdherenceMethod.PILL_COUNT, today.minusDays(9), today.minusDays(2), 20.0 + p, null));
            commands.sendAndWait(new RegimenCommands.CompleteMedicationReview(id, today.minusDays(p), "pharmacist",
                    ReviewKind.STRUCTURED, null));
        }
        StreamingEventProcessor processor = processing
                .eventProcessor(OutcomesProjection.PROCESSING_GROUP, StreamingEventProcessor.class).orElseThrow();
        assertThat(processor.processingStatus()).as("one segment: one writer").hasSize(1);
        List<List<Document>> live = settled(processor);

        processor.shutDown();
        // Damage the read models: only a rebuild from the events can restore them.
        database.getCollection(OutcomesProjection.TOTALS).deleteOne(Filters.regex("_id", "^S\\|R"));
        database.getCollection(OutcomesProjection.TOTALS).updateMany(Filters.regex("_id", "^M\\|R"),
                                                                     Updates.inc("medicinesStarted", 5));
        database.getCollection(OutcomesProjection.PATIENTS).deleteMany(Filters.regex("_id", "^outcomes-replay"));
        assertThat(snapshot()).isNotEqualTo(live);
        processor.resetTokens();
        processor.start();
        assertThat(settled(processor)).isEqualTo(live);
    }

    /** The read models once the processor has caught up and they stopped changing (alert policy events included). */
    private List<List<Document>> settled(StreamingEventProcessor processor) {
        AtomicReference<List<List<Document>>> last =
                new AtomicReference<>(List.of());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            boolean caughtUp = !processor.isReplaying()
                    && processor.processingStatus().values().stream().allMatch(s -> s.isCaughtUp());
            List<List<Document>> now = snapshot();
            boolean stable = now.equals(last.getAndSet(now));
            return caughtUp && stable;
        });
        return last.get();
    }

    /**
     * The documents as the queries read them: contributions without the redo log and batch marks (which record
     * processing, not the read model), totals without zero counts left behind by a difference that went back to 0.
     */
    private List<List<Document>> snapshot() {
        List<Document> patients = new ArrayList<>();
        database.getCollection(OutcomesProjection.PATIENTS).find().sort(Sorts.ascending("_id"))
                .forEach(d -> patients.add(new Document("_id", d.get("_id")).append("c", d.get("c"))));
        List<Document> totals = new ArrayList<>();
        database.getCollection(OutcomesProjection.TOTALS).find().sort(Sorts.ascending("_id")).forEach(d -> {
            d.remove("mark");
            totals.add(withoutZeros(d));
        });
        List<Document> directory = database.getCollection(OutcomesProjection.DIRECTORY).find()
                .into(new ArrayList<>());
        return List.of(patients, totals, directory);
    }

    private static Document withoutZeros(Document document) {
        Document copy = new Document();
        for (Map.Entry<String, Object> e : document.entrySet()) {
            Object value = e.getValue() instanceof Document nested ? withoutZeros(nested) : e.getValue();
            boolean zero = value instanceof Number n && n.longValue() == 0 && n.doubleValue() == 0;
            boolean empty = value instanceof Document d && d.isEmpty();
            if (!zero && !empty) {
                copy.put(e.getKey(), value);
            }
        }
        return copy;
    }
}
