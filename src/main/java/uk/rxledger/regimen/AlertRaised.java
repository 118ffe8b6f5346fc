package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** A decision rule started to hold for the patient: an OPEN alert with its evidence and the rule-set version. */
@Revision("1")
public record AlertRaised(String patientId, String alertId, AlertFinding finding, LocalDate raisedOn) implements PatientEvent {
}
