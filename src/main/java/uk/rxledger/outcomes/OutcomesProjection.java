package uk.rxledger.outcomes;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.bson.Document;
import org.springframework.stereotype.Component;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.decisionsupport.rules.RuleSet;
import uk.rxledger.projection.ProjectionBatchInterceptor;
import uk.rxledger.projection.ReadModelReset;
import uk.rxledger.regimen.PatientEvent;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The population read models (ADR 0009): after each batch of changes, every patient the batch touched is recomputed
 * from their read model ({@link Contributions}) and the differences are added to the practice buckets through the
 * {@link DeltaLedger}. The daily {@link OutcomesDayStarted} event first keeps the previous day's practice states as
 * that month's month-end snapshot, then re-evaluates everyone on the new date (rules and SMR eligibility change as
 * time passes). Runs as a single-segment processor: the ledger wants one writer.
 */
@Component
@ProcessingGroup(OutcomesProjection.PROCESSING_GROUP)
public class OutcomesProjection {

    public static final String PROCESSING_GROUP = "outcomes";
    public static final String PATIENTS = "outcome_patients";
    public static final String TOTALS = "outcome_totals";
    public static final String SNAPSHOTS = "outcome_snapshots";
    public static final String DIRECTORY = "outcome_directory";
    static final String DIRECTORY_ID = "practices";
    private static final String PENDING = OutcomesProjection.class.getName() + "/pending";
    /** Patients re-evaluated per round trip by the daily run. */
    private static final int CHUNK = 500;
    private static final Duration VIEW_WAIT = Duration.ofSeconds(10);

    private final PatientProjection patients;
    private final Catalogue catalogue;
    private final RuleSet rules;
    private final Clock clock;
    private final DeltaLedger ledger;
    private final MongoCollection<Document> totals;
    private final MongoCollection<Document> snapshots;
    private final MongoCollection<Document> directory;
    /** Directory entries already written (practice → PCN, years with waste or savings): saves a write per batch. */
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public OutcomesProjection(MongoDatabase database, PatientProjection patients, Catalogue catalogue, RuleSet rules,
                              Clock clock) {
        this.patients = patients;
        this.catalogue = catalogue;
        this.rules = rules;
        this.clock = clock;
        this.totals = database.getCollection(TOTALS);
        this.snapshots = database.getCollection(SNAPSHOTS);
        this.directory = database.getCollection(DIRECTORY);
        this.ledger = new DeltaLedger(database.getCollection(PATIENTS), totals, Buckets::describe);
    }

    /** A batch's patients (with the highest sequence seen), the token of its last event, what it computed. */
    private static final class Batch {
        final Map<String, Long> sequences = new LinkedHashMap<>();
        final Map<String, DeltaLedger.Version> computed = new HashMap<>();
        DeltaLedger.Mark mark;
    }

    @EventHandler
    void on(PatientEvent event, @SequenceNumber long sequence, TrackingToken token) {
        Batch batch = batch();
        batch.sequences.merge(event.patientId(), sequence, Math::max);
        batch.mark = DeltaLedger.Mark.of(token);
        if (!CurrentUnitOfWork.isStarted()) {
            flush(batch);
        }
    }

    /**
     * A new day: the practices' states as they stood at the end of the previous day become that month's snapshot (so
     * the last day of a month leaves the month-end state), then everyone is evaluated on the new date. In a replay the
     * snapshots of past months are kept as they were taken, and everyone is evaluated anyway.
     */
    @EventHandler
    void on(OutcomesDayStarted day, TrackingToken token, ReplayStatus status) {
        if (status.isReplay()) {
            return;
        }
        Batch batch = batch();
        batch.mark = DeltaLedger.Mark.of(token);
        flush(batch); // the batch's earlier events belong to the day that ended
        snapshot(YearMonth.from(day.date().minusDays(1)));
        List<String> everyone = ledger.contributorIds();
        for (int i = 0; i < everyone.size(); i += CHUNK) {
            List<PatientView> views = patients.findAll(everyone.subList(i, Math.min(everyone.size(), i + CHUNK)));
            recompute(views, batch, LocalDate.now(clock));
        }
    }

    @ResetHandler
    void reset() {
        ledger.deleteAll();
        ReadModelReset.clear(directory);
        known.clear();
        // Snapshots are not derived from events but taken at each month's end: a replay keeps them.
    }

    private Batch batch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return new Batch();
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        Batch batch = root.getResource(PENDING);
        if (batch == null) {
            Batch created = new Batch();
            root.resources().put(PENDING, created);
            ProjectionBatchInterceptor.register(root, () -> flush(created));
            root.afterCommit(u -> {
                if (created.mark != null) {
                    ledger.committed(created.mark, created.computed);
                }
            });
            batch = created;
        }
        return batch;
    }

    private void flush(Batch batch) {
        if (batch.sequences.isEmpty()) {
            return;
        }
        LocalDate today = LocalDate.now(clock);
        Set<String> stale = ledger.stale(batch.sequences, today);
        List<PatientView> views = new ArrayList<>();
        Map<String, PatientView> found = new HashMap<>();
        if (!stale.isEmpty()) {
            patients.findAll(stale).forEach(v -> found.put(v.id, v));
        }
        stale.forEach(id -> {
            long sequence = batch.sequences.get(id);
            PatientView view = found.get(id);
            if (view == null || view.lastSeq < sequence) {
                // The patients processor has not caught up with this batch yet (live only: in a replay of this
                // read model alone the patient views are already complete).
                patients.awaitSequence(id, sequence, VIEW_WAIT);
                view = patients.find(id).orElse(null);
            }
            if (view != null) {
                views.add(view);
            }
        });
        recompute(views, batch, today);
        batch.sequences.clear();
    }

    private void recompute(List<PatientView> views, Batch batch, LocalDate today) {
        Map<String, DeltaLedger.Contribution> next = new LinkedHashMap<>();
        for (PatientView view : views) {
            Map<String, Map<String, Long>> contribution = Contributions.of(view, catalogue, rules, today);
            DeltaLedger.Contribution computed = new DeltaLedger.Contribution(view.lastSeq, today, contribution);
            next.put(view.id, computed);
            batch.computed.put(view.id, computed.version());
            remember(view.practice, view.pcn, contribution.keySet());
        }
        ledger.apply(next, batch.mark);
    }

    /** Adds new practices (with their PCN) and years to the directory the queries start from. */
    private void remember(String practice, String pcn, Set<String> buckets) {
        Document set = new Document();
        if (known.add("practice/" + practice + "/" + pcn)) {
            set.append("practices." + practice, pcn);
        }
        for (String bucket : buckets) {
            if (bucket.startsWith(Buckets.YEAR + Buckets.SEPARATOR)) {
                String year = bucket.substring(bucket.lastIndexOf(Buckets.SEPARATOR) + 1);
                if (known.add("year/" + year)) {
                    set.append("years." + year, true);
                }
            }
        }
        if (!set.isEmpty()) {
            directory.updateOne(Filters.eq("_id", DIRECTORY_ID), new Document("$set", set),
                                new UpdateOptions().upsert(true));
        }
    }

    /** Copies every practice's current state into the month's snapshot (overwriting: the last copy of a month wins). */
    private void snapshot(YearMonth month) {
        List<WriteModel<Document>> writes = new ArrayList<>();
        for (Document state : totals.find(Filters.eq("kind", Buckets.STATE))) {
            Document copy = new Document(state);
            copy.remove("mark");
            copy.put("_id", OutcomeQueries.snapshotId(state.getString("practice"), month));
            copy.put("kind", "SNAPSHOT");
            copy.put("period", month.toString());
            writes.add(new ReplaceOneModel<>(Filters.eq("_id", copy.get("_id")), copy, new ReplaceOptions().upsert(true)));
        }
        if (!writes.isEmpty()) {
            snapshots.bulkWrite(writes);
        }
    }
}
