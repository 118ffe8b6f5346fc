package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** A medicine line was opened at a dose. */
@Revision("1")
public record MedicineStarted(String patientId, String lineId, String medicineCode, double unitsPerDose, double dosesPerDay,
                             LocalDate startedOn, String indication, String prescriber) implements PatientEvent {
}
