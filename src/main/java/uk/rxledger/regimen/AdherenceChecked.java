package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/**
 * An adherence check of one line, with the adherence computed by the contract's formula for its method and the
 * threshold that decided {@code adherent}.
 * <p>
 * Revision 2 added {@code threshold}; revision-1 events are upcast to it with the 0.80 in force when they were written
 * ({@code uk.rxledger.audit.AdherenceCheckedUpcaster}, ADR 0007).
 */
@Revision("2")
public record AdherenceChecked(String patientId, String lineId, LocalDate checkedOn, AdherenceMethod method,
                               LocalDate periodStart, LocalDate periodEnd, Double unitsRemaining,
                               Double dosesMissedPerWeek, double adherence, boolean adherent,
                               double threshold) implements PatientEvent {
}
