package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** The rule behind an open or accepted alert stopped holding (the server resolves it). */
@Revision("1")
public record AlertResolved(String patientId, String alertId, LocalDate resolvedOn) implements PatientEvent {
}
