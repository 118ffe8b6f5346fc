package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** Units of a line's product were dispensed. */
@Revision("1")
public record MedicineDispensed(String patientId, String lineId, double quantity, LocalDate dispensedOn) implements PatientEvent {
}
