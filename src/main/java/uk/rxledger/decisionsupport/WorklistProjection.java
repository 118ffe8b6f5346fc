package uk.rxledger.decisionsupport;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.projection.DocumentProjection;
import uk.rxledger.projection.ProjectionBatchInterceptor;
import uk.rxledger.projection.ReadModelReset;
import uk.rxledger.regimen.PatientEvent;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The practice worklist read model: one entry per patient, recomputed from the patient's read model and an evaluation
 * of the rules after each batch of changes to the patient (and daily, for what changes with the date alone).
 * Entries only move forward: an entry computed from an older state of the patient never replaces a newer one.
 */
@Component
@ProcessingGroup(WorklistProjection.PROCESSING_GROUP)
public class WorklistProjection {

    public static final String PROCESSING_GROUP = "worklist";
    public static final String COLLECTION = "worklist";
    private static final String PENDING = WorklistProjection.class.getName() + "/pending";

    private final MongoCollection<WorklistEntry> entries;
    private final PatientProjection patients;
    private final AlertEvaluator evaluator;
    private final Catalogue catalogue;
    private final Clock clock;

    public WorklistProjection(MongoDatabase database, PatientProjection patients, AlertEvaluator evaluator,
                              Catalogue catalogue, Clock clock) {
        this.entries = database.getCollection(COLLECTION, WorklistEntry.class)
                               .withCodecRegistry(DocumentProjection.CODECS);
        createIndexes();
        this.patients = patients;
        this.evaluator = evaluator;
        this.catalogue = catalogue;
        this.clock = clock;
    }

    public MongoCollection<WorklistEntry> entries() {
        return entries;
    }

    @ResetHandler
    void reset() {
        ReadModelReset.clear(entries);
        createIndexes();
    }

    private void createIndexes() {
        // For a real MongoDB; the embedded server scans either way (ADR 0006).
        entries.createIndex(Indexes.compoundIndex(Indexes.ascending("practice"), Indexes.descending("priorityScore"),
                                                  Indexes.ascending("_id")), new IndexOptions().name("practice_priority"));
    }

    @EventHandler
    void on(PatientEvent event, @SequenceNumber long sequence) {
        if (!CurrentUnitOfWork.isStarted()) {
            refresh(Map.of(event.patientId(), sequence));
            return;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        Map<String, Long> batch = root.getResource(PENDING);
        if (batch == null) {
            Map<String, Long> created = new LinkedHashMap<>();
            root.resources().put(PENDING, created);
            ProjectionBatchInterceptor.register(root, () -> {
                refresh(created);
                created.clear();
            });
            batch = created;
        }
        batch.merge(event.patientId(), sequence, Math::max);
    }

    /** Recomputes the entries of these patients once their read models include the given sequences. */
    void refresh(Map<String, Long> sequences) {
        sequences.forEach((patientId, sequence) -> {
            patients.awaitSequence(patientId, sequence, Duration.ofSeconds(10));
            patients.find(patientId).ifPresent(this::refresh);
        });
    }

    /** Recomputes one patient's entry from their current read model. */
    public void refresh(PatientView patient) {
        WorklistEntry entry = entryFor(patient);
        WorklistEntry stored = entries.find(Filters.eq("_id", entry.id)).first();
        if (stored != null && stored.lastSeq > entry.lastSeq) {
            return; // computed from an older state of the patient than the one stored
        }
        entries.replaceOne(Filters.eq("_id", entry.id), entry, new ReplaceOptions().upsert(true));
    }

    WorklistEntry entryFor(PatientView patient) {
        PatientEvaluation evaluation = evaluator.evaluate(patient);
        List<PatientView.LineView> active = patient.activeLines();
        List<PatientView.AlertView> open = patient.openAlerts();
        WorklistEntry entry = new WorklistEntry();
        entry.id = patient.id;
        entry.lastSeq = patient.lastSeq;
        entry.practice = patient.practice;
        entry.pcn = patient.pcn;
        entry.birthDate = patient.birthDate;
        entry.activeMedicineCount = active.size();
        entry.acbTotal = patient.acbTotal(catalogue);
        entry.openAlertCount = open.size();
        entry.openSafetyAlertCount = (int) open.stream().filter(a -> "SAFETY".equals(a.category)).count();
        entry.openCategories = open.stream().map(a -> a.category).distinct().sorted().toList();
        entry.smrEligible = evaluation.smrEligibility().eligible();
        entry.smrReasons = evaluation.smrEligibility().reasons();
        entry.priorityScore = PriorityScore.of(open.stream().map(a -> a.severity).toList(), entry.smrEligible,
                                               entry.acbTotal);
        entry.evaluatedOn = LocalDate.now(clock);
        return entry;
    }
}
