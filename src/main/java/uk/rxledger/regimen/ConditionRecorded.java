package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** A coded condition was recorded, optionally already resolved. */
@Revision("1")
public record ConditionRecorded(String patientId, Condition condition, LocalDate recordedOn, LocalDate resolvedOn) implements PatientEvent {
}
