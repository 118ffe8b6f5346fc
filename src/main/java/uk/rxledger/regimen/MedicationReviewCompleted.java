package uk.rxledger.regimen;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/** A medication review was completed. */
@Revision("1")
public record MedicationReviewCompleted(String patientId, LocalDate reviewedOn, String reviewer, ReviewKind kind, String notes) implements PatientEvent {
}
