package uk.rxledger.regimen;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.LocalDate;

/** Commands to the {@link PatientRegimen} aggregate, one per mutation of the contract. */
public final class RegimenCommands {

    private RegimenCommands() {
    }

    public record RegisterPatient(@TargetAggregateIdentifier String patientId, String practice, String pcn,
                                  LocalDate birthDate, Sex sex, boolean careHomeResident, Frailty frailty) {
    }

    public record RecordCondition(@TargetAggregateIdentifier String patientId, Condition condition,
                                  LocalDate recordedOn, LocalDate resolvedOn) {
    }

    public record RecordObservation(@TargetAggregateIdentifier String patientId, ObservationKind kind,
                                    LocalDate observedOn, Double value, String unit) {
    }

    public record StartMedicine(@TargetAggregateIdentifier String patientId, String medicineCode, double unitsPerDose,
                                double dosesPerDay, LocalDate startedOn, String indication, String prescriber) {
    }

    public record RecordDispensing(@TargetAggregateIdentifier String patientId, String lineId, double quantity,
                                   LocalDate dispensedOn) {
    }

    public record ChangeDose(@TargetAggregateIdentifier String patientId, String lineId, double unitsPerDose,
                             double dosesPerDay, LocalDate changedOn, String reason) {
    }

    public record SwitchMedicine(@TargetAggregateIdentifier String patientId, String lineId, String toMedicineCode,
                                 double unitsPerDose, double dosesPerDay, LocalDate switchedOn, SwitchReason reason,
                                 Double unusedQuantity) {
    }

    public record DeprescribeMedicine(@TargetAggregateIdentifier String patientId, String lineId, LocalDate stoppedOn,
                                      DeprescribeReason reason, Double unusedQuantity, String taperPlan) {
    }

    public record RecordAdherenceCheck(@TargetAggregateIdentifier String patientId, String lineId, LocalDate checkedOn,
                                       AdherenceMethod method, LocalDate periodStart, LocalDate periodEnd,
                                       Double unitsRemaining, Double dosesMissedPerWeek) {
    }

    public record CompleteMedicationReview(@TargetAggregateIdentifier String patientId, LocalDate reviewedOn,
                                           String reviewer, ReviewKind kind, String notes) {
    }

    /**
     * The complete set of rules that hold for the patient on {@code evaluatedOn}: raises what is new, resolves what
     * no longer holds. Idempotent: the same findings twice change nothing the second time.
     */
    public record ReconcileAlerts(@TargetAggregateIdentifier String patientId, LocalDate evaluatedOn,
                                  java.util.List<AlertFinding> findings) {
    }

    public record RespondToAlert(@TargetAggregateIdentifier String patientId, String alertId, AlertDecision decision,
                                 String reason, LocalDate respondedOn, String respondedBy) {
    }

    /** What a command changed: the stream's sequence after it (to wait for read models) and the line it touched. */
    public record Recorded(long sequence, String lineId) {
    }
}
