package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** An observation or monitoring test was recorded; value and unit where the kind is numeric. */
@Revision("1")
public record ObservationRecorded(String patientId, ObservationKind kind, LocalDate observedOn, Double value, String unit) implements PatientEvent {
}
