package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** A line was stopped (DEPRESCRIBED). */
@Revision("1")
public record MedicineDeprescribed(String patientId, String lineId, String medicineCode, LocalDate stoppedOn,
                                   DeprescribeReason reason, Double unusedQuantity, String taperPlan) implements PatientEvent {
}
