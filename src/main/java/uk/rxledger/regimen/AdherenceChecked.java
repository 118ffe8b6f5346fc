package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** An adherence check of one line, with the adherence computed by the contract's formula for its method. */
@Revision("1")
public record AdherenceChecked(String patientId, String lineId, LocalDate checkedOn, AdherenceMethod method,
                               LocalDate periodStart, LocalDate periodEnd, Double unitsRemaining,
                               Double dosesMissedPerWeek, double adherence, boolean adherent) implements PatientEvent {
}
