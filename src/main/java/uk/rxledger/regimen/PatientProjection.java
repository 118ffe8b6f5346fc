package uk.rxledger.regimen;

import com.mongodb.client.MongoDatabase;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.springframework.stereotype.Component;
import uk.rxledger.projection.DocumentProjection;
import uk.rxledger.projection.ProjectionProgress;

import java.time.Duration;
import java.util.Optional;

/** Builds {@link PatientView}s from the regimen events; idempotent and replayable. */
@Component
@ProcessingGroup(PatientProjection.PROCESSING_GROUP)
public class PatientProjection {

    public static final String PROCESSING_GROUP = "patients";
    public static final String COLLECTION = "patients";

    private final DocumentProjection<PatientView> patients;
    private final ProjectionProgress progress;

    public PatientProjection(MongoDatabase database, ProjectionProgress progress) {
        this.patients = new DocumentProjection<>(database, COLLECTION, PatientView.class, progress);
        this.progress = progress;
    }

    public Optional<PatientView> find(String patientId) {
        return patients.find(patientId);
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
    void on(PatientRegistered event, @SequenceNumber long seq) {
        patients.create(event.patientId(), seq, () -> {
            PatientView view = new PatientView();
            view.practice = event.practice();
            view.pcn = event.pcn();
            view.birthDate = event.birthDate();
            view.sex = event.sex();
            view.careHomeResident = event.careHomeResident();
            view.frailty = event.frailty();
            return view;
        });
    }

    @EventHandler
    void on(ConditionRecorded event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> {
            // Recording a condition again with the same onset date updates it (e.g. marks it resolved).
            PatientView.ConditionEntry entry = view.conditions.stream()
                    .filter(c -> c.condition == event.condition() && c.recordedOn.equals(event.recordedOn()))
                    .findFirst().orElseGet(() -> {
                        PatientView.ConditionEntry created = new PatientView.ConditionEntry();
                        view.conditions.add(created);
                        return created;
                    });
            entry.condition = event.condition();
            entry.recordedOn = event.recordedOn();
            entry.resolvedOn = event.resolvedOn();
        });
    }

    @EventHandler
    void on(ObservationRecorded event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> {
            PatientView.ObservationEntry entry = new PatientView.ObservationEntry();
            entry.kind = event.kind();
            entry.observedOn = event.observedOn();
            entry.value = event.value();
            entry.unit = event.unit();
            view.observations.add(entry);
        });
    }

    @EventHandler
    void on(MedicineStarted event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> view.lines.add(
                newLine(event.lineId(), event.medicineCode(), event.unitsPerDose(), event.dosesPerDay(),
                        event.startedOn(), event.indication(), event.prescriber())));
    }

    @EventHandler
    void on(MedicineDispensed event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> view.line(event.lineId()).ifPresent(line -> {
            line.unitsDispensed += event.quantity();
            if (line.lastDispensedOn == null || event.dispensedOn().isAfter(line.lastDispensedOn)) {
                line.lastDispensedOn = event.dispensedOn();
            }
        }));
    }

    @EventHandler
    void on(DoseChanged event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> view.line(event.lineId()).ifPresent(line -> {
            line.unitsPerDose = event.unitsPerDose();
            line.dosesPerDay = event.dosesPerDay();
            line.doses.add(dose(event.changedOn(), event.unitsPerDose(), event.dosesPerDay()));
        }));
    }

    @EventHandler
    void on(MedicineSwitched event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> {
            view.line(event.lineId()).ifPresent(line -> {
                line.status = LineStatus.SWITCHED;
                line.endedOn = event.switchedOn();
                line.endReason = event.reason().name();
                line.switchedToLineId = event.newLineId();
            });
            PatientView.LineView next = newLine(event.newLineId(), event.toMedicineCode(), event.unitsPerDose(),
                                                event.dosesPerDay(), event.switchedOn(), null, null);
            next.switchedFromLineId = event.lineId();
            view.line(event.lineId()).ifPresent(old -> next.indication = old.indication);
            view.lines.add(next);
        });
    }

    @EventHandler
    void on(MedicineDeprescribed event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> view.line(event.lineId()).ifPresent(line -> {
            line.status = LineStatus.DEPRESCRIBED;
            line.endedOn = event.stoppedOn();
            line.endReason = event.reason().name();
        }));
    }

    @EventHandler
    void on(AdherenceChecked event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> {
            PatientView.AdherenceCheckView check = new PatientView.AdherenceCheckView();
            check.lineId = event.lineId();
            check.checkedOn = event.checkedOn();
            check.method = event.method();
            check.periodStart = event.periodStart();
            check.periodEnd = event.periodEnd();
            check.adherence = event.adherence();
            check.adherent = event.adherent();
            view.adherenceChecks.add(check);
        });
    }

    @EventHandler
    void on(MedicationReviewCompleted event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> {
            PatientView.ReviewView review = new PatientView.ReviewView();
            review.reviewedOn = event.reviewedOn();
            review.reviewer = event.reviewer();
            review.kind = event.kind();
            review.notes = event.notes();
            view.reviews.add(review);
        });
    }

    @EventHandler
    void on(AlertRaised event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> {
            AlertFinding finding = event.finding();
            PatientView.AlertView alert = new PatientView.AlertView();
            alert.id = event.alertId();
            alert.status = AlertStatus.OPEN;
            alert.ruleCode = finding.ruleCode();
            alert.ruleVersion = finding.ruleVersion();
            alert.title = finding.title();
            alert.source = finding.source();
            alert.category = finding.category();
            alert.severity = finding.severity();
            alert.evidenceUrl = finding.evidenceUrl();
            alert.message = finding.message();
            alert.recommendation = finding.recommendation();
            alert.lineIds = new java.util.ArrayList<>(finding.lineIds());
            alert.conditions = new java.util.ArrayList<>(finding.conditions());
            alert.observations = new java.util.ArrayList<>(finding.observations());
            alert.raisedOn = event.raisedOn();
            view.alerts.add(alert);
        });
    }

    @EventHandler
    void on(AlertResolved event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> view.alert(event.alertId()).ifPresent(alert -> {
            alert.status = AlertStatus.RESOLVED;
            alert.resolvedOn = event.resolvedOn();
        }));
    }

    @EventHandler
    void on(AlertAnswered event, @SequenceNumber long seq) {
        patients.update(event.patientId(), seq, view -> view.alert(event.alertId()).ifPresent(alert -> {
            alert.status = event.decision() == AlertDecision.ACCEPTED ? AlertStatus.ACCEPTED : AlertStatus.DECLINED;
            alert.decision = event.decision();
            alert.responseReason = event.reason();
            alert.respondedOn = event.respondedOn();
            alert.respondedBy = event.respondedBy();
        }));
    }

    private static PatientView.LineView newLine(String lineId, String medicineCode, double unitsPerDose,
                                                double dosesPerDay, java.time.LocalDate startedOn, String indication,
                                                String prescriber) {
        PatientView.LineView line = new PatientView.LineView();
        line.id = lineId;
        line.medicineCode = medicineCode;
        line.status = LineStatus.ACTIVE;
        line.unitsPerDose = unitsPerDose;
        line.dosesPerDay = dosesPerDay;
        line.startedOn = startedOn;
        line.indication = indication;
        line.prescriber = prescriber;
        line.doses.add(dose(startedOn, unitsPerDose, dosesPerDay));
        return line;
    }

    private static PatientView.DoseEntry dose(java.time.LocalDate from, double unitsPerDose, double dosesPerDay) {
        PatientView.DoseEntry dose = new PatientView.DoseEntry();
        dose.from = from;
        dose.unitsPerDose = unitsPerDose;
        dose.dosesPerDay = dosesPerDay;
        return dose;
    }
}
