package uk.rxledger.regimen;

import com.mongodb.client.MongoDatabase;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.stereotype.Component;
import uk.rxledger.projection.DocumentParts;
import uk.rxledger.projection.DocumentProjection;
import uk.rxledger.projection.ProjectionProgress;
import uk.rxledger.projection.ReadModelLayout;

import java.time.Duration;
import java.util.Optional;

/** Builds {@link PatientView}s from the regimen events; idempotent and replayable. */
@Component
@ProcessingGroup(PatientProjection.PROCESSING_GROUP)
public class PatientProjection implements ReadModelLayout {

    public static final String PROCESSING_GROUP = "patients";
    public static final String COLLECTION = "patients";
    /** The patients' medicine lines, one document each: most events change or add one line (ADR 0014). */
    public static final String LINES = "patient-lines";

    /** 2: the medicine lines are documents of their own (ADR 0014). */
    static final int LAYOUT = 2;

    private final DocumentProjection<PatientView> patients;
    private final ProjectionProgress progress;

    public PatientProjection(MongoDatabase database, ProjectionProgress progress) {
        this.patients = new DocumentProjection<>(database, COLLECTION, PatientView.class, progress,
                new DocumentParts<>(database, LINES, PatientView.LineView.class, view -> view.lines, line -> line.id,
                                    PatientEvents::linesNeeded));
        this.progress = progress;
    }

    @Override
    public String readModel() {
        return PROCESSING_GROUP;
    }

    @Override
    public String collection() {
        return COLLECTION;
    }

    @Override
    public int layout() {
        return LAYOUT;
    }

    public Optional<PatientView> find(String patientId) {
        return patients.find(patientId);
    }

    /** The registered patient's practice, by key and reading that one field (access control asks for every request). */
    public Optional<String> practiceOf(String patientId) {
        org.bson.Document view = patients.collection().withDocumentClass(org.bson.Document.class)
                .find(com.mongodb.client.model.Filters.eq("_id", patientId))
                .projection(new org.bson.Document("practice", 1)).first();
        return Optional.ofNullable(view == null ? null : view.getString("practice"));
    }

    /** Every registered patient's id, of one practice when given (a scan: for daily jobs, not for requests). */
    public java.util.List<String> allPatientIds(String practice) {
        return patients.collection().withDocumentClass(org.bson.Document.class)
                       .find(practice == null ? com.mongodb.client.model.Filters.empty()
                                              : com.mongodb.client.model.Filters.eq("practice", practice))
                       .projection(new org.bson.Document("_id", 1)).map(d -> d.getString("_id"))
                       .into(new java.util.ArrayList<>());
    }

    /** Several patients by key ({@code _id $in}). */
    public java.util.List<PatientView> findAll(java.util.Collection<String> patientIds) {
        return patients.findAll(patientIds);
    }

    /** Waits until the patient's view includes the event at {@code sequence}; false on timeout. */
    public boolean awaitSequence(String patientId, long sequence, Duration timeout) {
        return progress.await(() -> patients.lastSequence(patientId), sequence, timeout);
    }

    @ResetHandler
    void reset() {
        patients.deleteAll();
    }

    @EventHandler
    void on(PatientEvent event, @SequenceNumber long seq) {
        if (event instanceof PatientRegistered registered) {
            patients.create(registered.patientId(), seq, () -> PatientEvents.registered(registered));
        } else {
            patients.update(event.patientId(), seq, view -> PatientEvents.apply(view, event));
        }
    }
}
