package uk.rxledger.regimen;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.spring.stereotype.Aggregate;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.regimen.Adherence.Dispensing;
import uk.rxledger.regimen.DoseHistory.Dose;
import uk.rxledger.regimen.RegimenCommands.ChangeDose;
import uk.rxledger.regimen.RegimenCommands.CompleteMedicationReview;
import uk.rxledger.regimen.RegimenCommands.DeprescribeMedicine;
import uk.rxledger.regimen.RegimenCommands.RecordAdherenceCheck;
import uk.rxledger.regimen.RegimenCommands.RecordCondition;
import uk.rxledger.regimen.RegimenCommands.RecordDispensing;
import uk.rxledger.regimen.RegimenCommands.RecordObservation;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.RegimenCommands.RegisterPatient;
import uk.rxledger.regimen.RegimenCommands.StartMedicine;
import uk.rxledger.regimen.RegimenCommands.SwitchMedicine;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static uk.rxledger.regimen.RegimenValidation.reject;
import static uk.rxledger.regimen.RegimenValidation.requirePositive;

/**
 * One patient's medicine regimen: the consistency boundary for everything recorded about the patient.
 * <p>
 * It holds only what its decisions need: the birth date (no date before it), and per line the product, start date,
 * whether it is active, its dose history and dispensings (dates, adherence).
 */
@Aggregate(snapshotTriggerDefinition = "patientSnapshotTrigger", cache = "patientCache",
           commandTargetResolver = "commandTargetResolver")
public class PatientRegimen {

    @AggregateIdentifier
    private String patientId;
    private LocalDate birthDate;
    private int linesOpened;
    private Map<String, LineState> lines = new HashMap<>();
    private int alertsRaised;
    /** Alerts by id: their key (rule + lines), status and when they were raised. */
    private Map<String, AlertState> alerts = new HashMap<>();
    /** Declined alert keys and when they were declined: not raised again for {@link #DECLINE_SUPPRESSION_DAYS}. */
    private Map<String, LocalDate> declined = new HashMap<>();

    /** A declined alert is not raised again for the same rule and the same lines for this many days. */
    public static final int DECLINE_SUPPRESSION_DAYS = 180;

    record AlertState(String key, AlertStatus status, LocalDate raisedOn) {
        boolean active() {
            return status == AlertStatus.OPEN || status == AlertStatus.ACCEPTED;
        }

        AlertState with(AlertStatus next) {
            return new AlertState(key, next, raisedOn);
        }
    }

    /** A line as the aggregate needs it; a record so that snapshots serialise without ceremony. */
    record LineState(String medicineCode, LocalDate startedOn, boolean active, List<Dose> doses,
                     List<Dispensing> dispensings) {

        DoseHistory history() {
            return DoseHistory.of(doses);
        }

        LineState withDose(Dose dose) {
            List<Dose> next = new ArrayList<>(doses);
            next.add(dose);
            return new LineState(medicineCode, startedOn, active, next, dispensings);
        }

        LineState withDispensing(Dispensing dispensing) {
            List<Dispensing> next = new ArrayList<>(dispensings);
            next.add(dispensing);
            return new LineState(medicineCode, startedOn, active, doses, next);
        }

        LineState ended() {
            return new LineState(medicineCode, startedOn, false, doses, dispensings);
        }
    }

    protected PatientRegimen() {
        // for Axon
    }

    @CommandHandler
    public PatientRegimen(RegisterPatient command, Clock clock) {
        RegimenValidation.registration(command, LocalDate.now(clock));
        apply(new PatientRegistered(command.patientId(), command.practice(), command.pcn(), command.birthDate(),
                                    command.sex(), command.careHomeResident(),
                                    command.frailty() == null ? Frailty.NONE : command.frailty()));
    }

    @CommandHandler
    public Recorded handle(RecordCondition command, Clock clock) {
        onOrAfterBirth("recordedOn", command.recordedOn(), clock);
        if (command.resolvedOn() != null) {
            onOrAfterBirth("resolvedOn", command.resolvedOn(), clock);
            if (command.resolvedOn().isBefore(command.recordedOn())) {
                throw reject("INVALID_DATE", "resolvedOn", "A condition cannot resolve before it was recorded");
            }
        }
        apply(new ConditionRecorded(patientId, command.condition(), command.recordedOn(), command.resolvedOn()));
        return recorded(null);
    }

    @CommandHandler
    public Recorded handle(RecordObservation command, Clock clock) {
        onOrAfterBirth("observedOn", command.observedOn(), clock);
        RegimenValidation.observation(command);
        String unit = command.unit() != null ? command.unit() : RegimenValidation.defaultUnit(command.kind());
        apply(new ObservationRecorded(patientId, command.kind(), command.observedOn(), command.value(), unit));
        return recorded(null);
    }

    @CommandHandler
    public Recorded handle(StartMedicine command, Catalogue catalogue, Clock clock) {
        Medicine medicine = medicine(catalogue, "medicineCode", command.medicineCode());
        RegimenValidation.dose(command.unitsPerDose(), command.dosesPerDay());
        onOrAfterBirth("startedOn", command.startedOn(), clock);
        RegimenValidation.text("indication", command.indication());
        RegimenValidation.text("prescriber", command.prescriber());
        String lineId = "L" + (linesOpened + 1);
        apply(new MedicineStarted(patientId, lineId, medicine.code(), command.unitsPerDose(), command.dosesPerDay(),
                                  command.startedOn(), command.indication(), command.prescriber()));
        return recorded(lineId);
    }

    @CommandHandler
    public Recorded handle(RecordDispensing command, Clock clock) {
        LineState line = activeLine(command.lineId());
        requirePositive("quantity", command.quantity(), RegimenValidation.MAX_UNITS);
        onOrAfterStart("dispensedOn", command.dispensedOn(), line, clock);
        apply(new MedicineDispensed(patientId, command.lineId(), command.quantity(), command.dispensedOn()));
        return recorded(command.lineId());
    }

    @CommandHandler
    public Recorded handle(ChangeDose command, Clock clock) {
        LineState line = activeLine(command.lineId());
        RegimenValidation.dose(command.unitsPerDose(), command.dosesPerDay());
        onOrAfterStart("changedOn", command.changedOn(), line, clock);
        Dose current = line.history().latest();
        if (command.changedOn().isBefore(current.from())) {
            throw reject("INVALID_DATE", "changedOn",
                         "A dose change cannot be dated before the dose in force from " + current.from());
        }
        if (current.unitsPerDose() == command.unitsPerDose() && current.dosesPerDay() == command.dosesPerDay()) {
            throw reject("DOSE_UNCHANGED", "unitsPerDose", "The line is already at this dose");
        }
        RegimenValidation.text("reason", command.reason());
        apply(new DoseChanged(patientId, command.lineId(), command.unitsPerDose(), command.dosesPerDay(),
                              command.changedOn(), command.reason(), current.unitsPerDose(), current.dosesPerDay()));
        return recorded(command.lineId());
    }

    @CommandHandler
    public Recorded handle(SwitchMedicine command, Catalogue catalogue, Clock clock) {
        LineState line = activeLine(command.lineId());
        Medicine to = medicine(catalogue, "toMedicineCode", command.toMedicineCode());
        if (to.code().equals(line.medicineCode())) {
            throw reject("SAME_MEDICINE", "toMedicineCode", "The line is already on " + to.code());
        }
        RegimenValidation.dose(command.unitsPerDose(), command.dosesPerDay());
        onOrAfterLastActivity("switchedOn", command.switchedOn(), line, clock);
        RegimenValidation.requireNonNegative("unusedQuantity", command.unusedQuantity(),
                                             RegimenValidation.MAX_UNITS);
        String newLineId = "L" + (linesOpened + 1);
        apply(new MedicineSwitched(patientId, command.lineId(), line.medicineCode(), newLineId, to.code(),
                                   command.unitsPerDose(), command.dosesPerDay(), command.switchedOn(),
                                   command.reason(), command.unusedQuantity()));
        return recorded(newLineId);
    }

    @CommandHandler
    public Recorded handle(DeprescribeMedicine command, Clock clock) {
        LineState line = activeLine(command.lineId());
        onOrAfterLastActivity("stoppedOn", command.stoppedOn(), line, clock);
        RegimenValidation.requireNonNegative("unusedQuantity", command.unusedQuantity(),
                                             RegimenValidation.MAX_UNITS);
        RegimenValidation.text("taperPlan", command.taperPlan());
        apply(new MedicineDeprescribed(patientId, command.lineId(), line.medicineCode(), command.stoppedOn(),
                                       command.reason(), command.unusedQuantity(), command.taperPlan()));
        return recorded(command.lineId());
    }

    @CommandHandler
    public Recorded handle(RecordAdherenceCheck command, Clock clock) {
        LineState line = activeLine(command.lineId());
        onOrAfterStart("periodStart", command.periodStart(), line, clock);
        onOrAfterStart("periodEnd", command.periodEnd(), line, clock);
        onOrAfterStart("checkedOn", command.checkedOn(), line, clock);
        if (command.periodEnd().isBefore(command.periodStart())) {
            throw reject("INVALID_DATE", "periodEnd", "The period cannot end before it starts");
        }
        if (command.checkedOn().isBefore(command.periodEnd())) {
            throw reject("INVALID_DATE", "checkedOn", "A check cannot be made before the end of the period it covers");
        }
        RegimenValidation.requireNonNegative("unitsRemaining", command.unitsRemaining(), RegimenValidation.MAX_UNITS);
        DoseHistory doses = line.history();
        double adherence = switch (command.method()) {
            case REFILL_RECORD -> Adherence.proportionOfDaysCovered(line.dispensings(), doses, command.periodStart(),
                                                                   command.periodEnd());
            case PILL_COUNT -> {
                RegimenValidation.required("unitsRemaining", command.unitsRemaining());
                yield Adherence.pillCount(line.dispensings(), doses, command.periodStart(), command.periodEnd(),
                                          command.unitsRemaining());
            }
            case SELF_REPORT -> {
                RegimenValidation.requireNonNegative("dosesMissedPerWeek",
                                                     RegimenValidation.required("dosesMissedPerWeek",
                                                                                command.dosesMissedPerWeek()));
                yield Adherence.selfReport(command.dosesMissedPerWeek(), doses.on(command.checkedOn()).dosesPerDay());
            }
        };
        apply(new AdherenceChecked(patientId, command.lineId(), command.checkedOn(), command.method(),
                                   command.periodStart(), command.periodEnd(), command.unitsRemaining(),
                                   command.dosesMissedPerWeek(), adherence, Adherence.adherent(adherence),
                                   Adherence.ADHERENT_THRESHOLD));
        return recorded(command.lineId());
    }

    @CommandHandler
    public Recorded handle(CompleteMedicationReview command, Clock clock) {
        onOrAfterBirth("reviewedOn", command.reviewedOn(), clock);
        RegimenValidation.requiredText("reviewer", command.reviewer());
        RegimenValidation.text("notes", command.notes());
        apply(new MedicationReviewCompleted(patientId, command.reviewedOn(), command.reviewer().strip(),
                                            command.kind() == null ? ReviewKind.STRUCTURED : command.kind(),
                                            command.notes()));
        return recorded(null);
    }

    @CommandHandler
    public Recorded handle(RegimenCommands.ReconcileAlerts command) {
        Map<String, AlertFinding> holding = new java.util.LinkedHashMap<>();
        command.findings().forEach(f -> holding.putIfAbsent(f.key(), f));
        List<String> stopped = alerts.entrySet().stream()
                .filter(e -> e.getValue().active() && !holding.containsKey(e.getValue().key()))
                .map(Map.Entry::getKey).sorted().toList();
        stopped.forEach(id -> apply(new AlertResolved(patientId, id, command.evaluatedOn())));
        java.util.Set<String> active = new java.util.HashSet<>();
        alerts.values().stream().filter(AlertState::active).forEach(a -> active.add(a.key()));
        int next = alertsRaised;
        for (AlertFinding finding : holding.values()) {
            if (active.contains(finding.key()) || suppressed(finding.key(), command.evaluatedOn())) {
                continue;
            }
            apply(new AlertRaised(patientId, "A" + (++next), finding, command.evaluatedOn()));
        }
        return recorded(null);
    }

    private boolean suppressed(String key, LocalDate on) {
        LocalDate declinedOn = declined.get(key);
        return declinedOn != null && on.isBefore(declinedOn.plusDays(DECLINE_SUPPRESSION_DAYS));
    }

    @CommandHandler
    public Recorded handle(RegimenCommands.RespondToAlert command, Clock clock) {
        AlertState alert = command.alertId() == null ? null : alerts.get(command.alertId());
        if (alert == null) {
            throw reject("ALERT_NOT_FOUND", "alertId", "The patient has no alert " + command.alertId());
        }
        if (alert.status() != AlertStatus.OPEN) {
            throw reject("ALERT_NOT_OPEN", "alertId", "Alert " + command.alertId() + " is already "
                    + alert.status().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (command.decision() == AlertDecision.DECLINED && (command.reason() == null || command.reason().isBlank())) {
            throw reject("MISSING_FIELD", "reason", "Declining an alert needs a reason");
        }
        RegimenValidation.text("reason", command.reason());
        RegimenValidation.notInFuture("respondedOn", command.respondedOn(), clock);
        if (command.respondedOn().isBefore(alert.raisedOn())) {
            throw reject("INVALID_DATE", "respondedOn", "The alert was raised on " + alert.raisedOn());
        }
        apply(new AlertAnswered(patientId, command.alertId(), command.decision(),
                                command.reason() == null ? null : command.reason().strip(), command.respondedOn(),
                                command.respondedBy()));
        return recorded(null);
    }

    // ------------------------------------------------------------------ state

    @EventSourcingHandler
    void on(PatientRegistered event) {
        patientId = event.patientId();
        birthDate = event.birthDate();
    }

    @EventSourcingHandler
    void on(MedicineStarted event) {
        openLine(event.lineId(), event.medicineCode(), event.startedOn(), event.unitsPerDose(), event.dosesPerDay());
    }

    @EventSourcingHandler
    void on(MedicineDispensed event) {
        lines.computeIfPresent(event.lineId(),
                               (id, line) -> line.withDispensing(new Dispensing(event.dispensedOn(), event.quantity())));
    }

    @EventSourcingHandler
    void on(DoseChanged event) {
        lines.computeIfPresent(event.lineId(), (id, line) -> line.withDose(
                new Dose(event.changedOn(), event.unitsPerDose(), event.dosesPerDay())));
    }

    @EventSourcingHandler
    void on(MedicineSwitched event) {
        lines.computeIfPresent(event.lineId(), (id, line) -> line.ended());
        openLine(event.newLineId(), event.toMedicineCode(), event.switchedOn(), event.unitsPerDose(),
                 event.dosesPerDay());
    }

    @EventSourcingHandler
    void on(MedicineDeprescribed event) {
        lines.computeIfPresent(event.lineId(), (id, line) -> line.ended());
    }

    @EventSourcingHandler
    void on(AlertRaised event) {
        alertsRaised++;
        alerts.put(event.alertId(), new AlertState(event.finding().key(), AlertStatus.OPEN, event.raisedOn()));
    }

    @EventSourcingHandler
    void on(AlertResolved event) {
        alerts.computeIfPresent(event.alertId(), (id, alert) -> alert.with(AlertStatus.RESOLVED));
    }

    @EventSourcingHandler
    void on(AlertAnswered event) {
        AlertStatus status = event.decision() == AlertDecision.ACCEPTED ? AlertStatus.ACCEPTED : AlertStatus.DECLINED;
        AlertState alert = alerts.computeIfPresent(event.alertId(), (id, a) -> a.with(status));
        if (alert != null && status == AlertStatus.DECLINED) {
            declined.put(alert.key(), event.respondedOn());
        }
    }

    private void openLine(String lineId, String medicineCode, LocalDate startedOn, double unitsPerDose,
                          double dosesPerDay) {
        linesOpened++;
        lines.put(lineId, new LineState(medicineCode, startedOn, true,
                                        List.of(new Dose(startedOn, unitsPerDose, dosesPerDay)), List.of()));
    }

    // ------------------------------------------------------------------ rules

    private Recorded recorded(String lineId) {
        return new Recorded(AggregateLifecycle.getVersion(), lineId);
    }

    private LineState activeLine(String lineId) {
        LineState line = lineId == null ? null : lines.get(lineId);
        if (line == null) {
            throw reject("LINE_NOT_FOUND", "lineId", "The patient has no medicine line " + lineId);
        }
        if (!line.active()) {
            throw reject("LINE_NOT_ACTIVE", "lineId", "Line " + lineId + " has already ended");
        }
        return line;
    }

    private static Medicine medicine(Catalogue catalogue, String field, String code) {
        return catalogue.find(code).orElseThrow(
                () -> reject("UNKNOWN_MEDICINE", field, "No medicine with code " + code + " in the catalogue"));
    }

    private void onOrAfterBirth(String field, LocalDate date, Clock clock) {
        RegimenValidation.notInFuture(field, date, clock);
        if (date.isBefore(birthDate)) {
            throw reject("INVALID_DATE", field, "The date is before the patient's date of birth");
        }
    }

    /** A line cannot end before something already recorded on it: its last dispensing or dose change. */
    private void onOrAfterLastActivity(String field, LocalDate date, LineState line, Clock clock) {
        onOrAfterStart(field, date, line, clock);
        LocalDate lastDose = line.history().latest().from();
        LocalDate lastDispensing = line.dispensings().stream().map(Dispensing::dispensedOn)
                .max(LocalDate::compareTo).orElse(line.startedOn());
        LocalDate last = lastDose.isAfter(lastDispensing) ? lastDose : lastDispensing;
        if (date.isBefore(last)) {
            throw reject("INVALID_DATE", field, "The line has a dispensing or dose change recorded on " + last);
        }
    }

    private void onOrAfterStart(String field, LocalDate date, LineState line, Clock clock) {
        RegimenValidation.notInFuture(field, date, clock);
        if (date.isBefore(line.startedOn())) {
            throw reject("INVALID_DATE", field, "The date is before the line started on " + line.startedOn());
        }
    }
}
