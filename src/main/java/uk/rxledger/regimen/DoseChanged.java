package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** A line's dose changed from a date; the previous dose is kept for auditors. */
@Revision("1")
public record DoseChanged(String patientId, String lineId, double unitsPerDose, double dosesPerDay, LocalDate changedOn,
                          String reason, double previousUnitsPerDose, double previousDosesPerDay) implements PatientEvent {
}
