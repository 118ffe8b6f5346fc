package uk.rxledger.outcomes;

import java.time.LocalDate;

/** A structured review's figures before it and {@link PatientOutcomes#AFTER_DAYS} days after (or as of today). */
public record ReviewOutcome(LocalDate reviewedOn, OutcomeFigures before, OutcomeFigures after, LocalDate afterAsOf) {
}
