package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** A patient joined the ledger under a pseudonymous id (never an NHS number). */
@Revision("1")
public record PatientRegistered(String patientId, String practice, String pcn, LocalDate birthDate, Sex sex,
                                boolean careHomeResident, Frailty frailty) implements PatientEvent {
}
