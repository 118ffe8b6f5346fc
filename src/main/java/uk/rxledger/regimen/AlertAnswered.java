package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** A clinician accepted or declined an alert; a decline needs a reason and suppresses the alert for 180 days. */
@Revision("1")
public record AlertAnswered(String patientId, String alertId, AlertDecision decision, String reason,
                            LocalDate respondedOn, String respondedBy) implements PatientEvent {
}
