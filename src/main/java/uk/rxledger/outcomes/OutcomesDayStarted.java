package uk.rxledger.outcomes;

import org.axonframework.serialization.Revision;

import java.time.LocalDate;

/**
 * A new day began for the outcome measures (published once a day by {@link OutcomesDay}). Not a patient's event: it
 * brings the passing of time into the event stream, so that the single writer of the population read models, the
 * outcomes processor, takes the month-end snapshots and re-evaluates everyone in stream order.
 */
@Revision("1")
public record OutcomesDayStarted(LocalDate date) {
}
