package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** A line was ended (SWITCHED) and a new line opened for another product on the same date. */
@Revision("1")
public record MedicineSwitched(String patientId, String lineId, String fromMedicineCode, String newLineId,
                               String toMedicineCode, double unitsPerDose, double dosesPerDay, LocalDate switchedOn,
                               SwitchReason reason, Double unusedQuantity) implements PatientEvent {
}
