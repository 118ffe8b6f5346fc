package uk.rxledger.regimen;

import java.time.LocalDate;
import java.util.Locale;

/** The contract's mutation inputs, bound from GraphQL arguments. */
final class RegimenInputs {

    private RegimenInputs() {
    }

    record RegisterPatientInput(String patientId, String practice, String pcn, LocalDate birthDate, Sex sex,
                                Boolean careHomeResident, Frailty frailty) {
        RegimenCommands.RegisterPatient toCommand() {
            return new RegimenCommands.RegisterPatient(patientId, odsCode(practice), odsCode(pcn), birthDate, sex,
                                                       Boolean.TRUE.equals(careHomeResident), frailty);
        }
    }

    record RecordConditionInput(String patientId, Condition condition, LocalDate recordedOn, LocalDate resolvedOn) {
    }

    record RecordObservationInput(String patientId, ObservationKind kind, LocalDate observedOn, Double value,
                                  String unit) {
    }

    record StartMedicineInput(String patientId, String medicineCode, double unitsPerDose, double dosesPerDay,
                              LocalDate startedOn, String indication, String prescriber) {
    }

    record RecordDispensingInput(String patientId, String lineId, double quantity, LocalDate dispensedOn) {
    }

    record ChangeDoseInput(String patientId, String lineId, double unitsPerDose, double dosesPerDay,
                           LocalDate changedOn, String reason) {
    }

    record SwitchMedicineInput(String patientId, String lineId, String toMedicineCode, double unitsPerDose,
                               double dosesPerDay, LocalDate switchedOn, SwitchReason reason, Double unusedQuantity) {
    }

    record DeprescribeMedicineInput(String patientId, String lineId, LocalDate stoppedOn, DeprescribeReason reason,
                                    Double unusedQuantity, String taperPlan) {
    }

    record RecordAdherenceCheckInput(String patientId, String lineId, LocalDate checkedOn, AdherenceMethod method,
                                     LocalDate periodStart, LocalDate periodEnd, Double unitsRemaining,
                                     Double dosesMissedPerWeek) {
    }

    record CompleteMedicationReviewInput(String patientId, LocalDate reviewedOn, String reviewer, ReviewKind kind,
                                         String notes) {
    }

    /** ODS codes are case-insensitive identifiers, stored upper-case. */
    private static String odsCode(String code) {
        return code == null ? null : code.strip().toUpperCase(Locale.ROOT);
    }
}
