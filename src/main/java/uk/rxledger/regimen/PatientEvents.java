package uk.rxledger.regimen;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;

/**
 * How each event of a patient's stream changes the patient's view: one pure function, used by the live projection
 * and by anything that rebuilds a patient from the stream itself (e.g. the regimen as of an instant).
 */
public final class PatientEvents {

    private PatientEvents() {
    }

    /** Replays a stream from the beginning into a new view (null before registration). */
    public static PatientView replay(Iterable<? extends PatientEvent> events) {
        PatientView view = null;
        long sequence = -1;
        for (PatientEvent event : events) {
            sequence++;
            if (event instanceof PatientRegistered registered) {
                view = registered(registered);
            } else if (view != null) {
                apply(view, event);
            }
            if (view != null) {
                view.lastSeq = sequence;
            }
        }
        return view;
    }

    public static PatientView registered(PatientRegistered event) {
        PatientView view = new PatientView();
        view.id = event.patientId();
        view.practice = event.practice();
        view.pcn = event.pcn();
        view.birthDate = event.birthDate();
        view.sex = event.sex();
        view.careHomeResident = event.careHomeResident();
        view.frailty = event.frailty();
        return view;
    }

    /**
     * The existing lines {@link #apply} reads or changes for {@code event}: the projection reads only those (ADR 0014).
     * Events that add a line, or touch no line, need none; a patient event not named here needs all (safe for a new
     * kind of event until it is named); anything not a patient event changes no patient.
     */
    public static Collection<String> linesNeeded(Object event) {
        if (event instanceof MedicineDispensed e) {
            return List.of(e.lineId());
        } else if (event instanceof DoseChanged e) {
            return List.of(e.lineId());
        } else if (event instanceof MedicineSwitched e) {
            return List.of(e.lineId());
        } else if (event instanceof MedicineDeprescribed e) {
            return List.of(e.lineId());
        } else if (event instanceof MedicineStarted || event instanceof ConditionRecorded
                || event instanceof ObservationRecorded || event instanceof AdherenceChecked
                || event instanceof MedicationReviewCompleted || event instanceof AlertRaised
                || event instanceof AlertResolved || event instanceof AlertAnswered
                || event instanceof PatientRegistered || !(event instanceof PatientEvent)) {
            return List.of();
        }
        return null;
    }

    /** Applies one event (after registration) to the view in place. */
    public static void apply(PatientView view, PatientEvent event) {
        if (event instanceof ConditionRecorded e) {
            // Recording a condition again with the same onset date updates it (e.g. marks it resolved).
            PatientView.ConditionEntry entry = view.conditions.stream()
                    .filter(c -> c.condition == e.condition() && c.recordedOn.equals(e.recordedOn()))
                    .findFirst().orElseGet(() -> {
                        PatientView.ConditionEntry created = new PatientView.ConditionEntry();
                        view.conditions.add(created);
                        return created;
                    });
            entry.condition = e.condition();
            entry.recordedOn = e.recordedOn();
            entry.resolvedOn = e.resolvedOn();
        } else if (event instanceof ObservationRecorded e) {
            PatientView.ObservationEntry entry = new PatientView.ObservationEntry();
            entry.kind = e.kind();
            entry.observedOn = e.observedOn();
            entry.value = e.value();
            entry.unit = e.unit();
            view.observations.add(entry);
        } else if (event instanceof MedicineStarted e) {
            view.lines.add(newLine(e.lineId(), e.medicineCode(), e.unitsPerDose(), e.dosesPerDay(), e.startedOn(),
                                   e.indication(), e.prescriber()));
        } else if (event instanceof MedicineDispensed e) {
            view.line(e.lineId()).ifPresent(line -> {
                PatientView.DispensingEntry dispensing = new PatientView.DispensingEntry();
                dispensing.dispensedOn = e.dispensedOn();
                dispensing.quantity = e.quantity();
                line.dispensings.add(dispensing);
                line.unitsDispensed += e.quantity();
                if (line.lastDispensedOn == null || e.dispensedOn().isAfter(line.lastDispensedOn)) {
                    line.lastDispensedOn = e.dispensedOn();
                }
            });
        } else if (event instanceof DoseChanged e) {
            view.line(e.lineId()).ifPresent(line -> {
                line.unitsPerDose = e.unitsPerDose();
                line.dosesPerDay = e.dosesPerDay();
                line.doses.add(dose(e.changedOn(), e.unitsPerDose(), e.dosesPerDay()));
            });
        } else if (event instanceof MedicineSwitched e) {
            PatientView.LineView next = newLine(e.newLineId(), e.toMedicineCode(), e.unitsPerDose(),
                                                e.dosesPerDay(), e.switchedOn(), null, null);
            next.switchedFromLineId = e.lineId();
            view.line(e.lineId()).ifPresent(line -> {
                line.status = LineStatus.SWITCHED;
                line.endedOn = e.switchedOn();
                line.endReason = e.reason().name();
                line.switchedToLineId = e.newLineId();
                line.unusedQuantity = e.unusedQuantity();
                next.indication = line.indication;
            });
            view.lines.add(next);
        } else if (event instanceof MedicineDeprescribed e) {
            view.line(e.lineId()).ifPresent(line -> {
                line.status = LineStatus.DEPRESCRIBED;
                line.endedOn = e.stoppedOn();
                line.endReason = e.reason().name();
                line.unusedQuantity = e.unusedQuantity();
            });
        } else if (event instanceof AdherenceChecked e) {
            PatientView.AdherenceCheckView check = new PatientView.AdherenceCheckView();
            check.lineId = e.lineId();
            check.checkedOn = e.checkedOn();
            check.method = e.method();
            check.periodStart = e.periodStart();
            check.periodEnd = e.periodEnd();
            check.adherence = e.adherence();
            check.adherent = e.adherent();
            check.unitsRemaining = e.unitsRemaining();
            view.adherenceChecks.add(check);
        } else if (event instanceof MedicationReviewCompleted e) {
            PatientView.ReviewView review = new PatientView.ReviewView();
            review.reviewedOn = e.reviewedOn();
            review.reviewer = e.reviewer();
            review.kind = e.kind();
            review.notes = e.notes();
            view.reviews.add(review);
        } else if (event instanceof AlertRaised e) {
            view.alerts.add(PatientView.AlertView.raised(e));
        } else if (event instanceof AlertResolved e) {
            view.alert(e.alertId()).ifPresent(alert -> {
                alert.status = AlertStatus.RESOLVED;
                alert.resolvedOn = e.resolvedOn();
            });
        } else if (event instanceof AlertAnswered e) {
            view.alert(e.alertId()).ifPresent(alert -> {
                alert.status = e.decision() == AlertDecision.ACCEPTED ? AlertStatus.ACCEPTED : AlertStatus.DECLINED;
                alert.decision = e.decision();
                alert.responseReason = e.reason();
                alert.respondedOn = e.respondedOn();
                alert.respondedBy = e.respondedBy();
            });
        } else if (event instanceof PatientRegistered) {
            throw new IllegalArgumentException("A patient is registered once");
        } else {
            throw new IllegalArgumentException("Unknown patient event " + event.getClass().getName());
        }
    }

    private static PatientView.LineView newLine(String lineId, String medicineCode, double unitsPerDose,
                                                double dosesPerDay, LocalDate startedOn, String indication,
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

    private static PatientView.DoseEntry dose(LocalDate from, double unitsPerDose, double dosesPerDay) {
        PatientView.DoseEntry dose = new PatientView.DoseEntry();
        dose.from = from;
        dose.unitsPerDose = unitsPerDose;
        dose.dosesPerDay = dosesPerDay;
        return dose;
    }
}
