package uk.rxledger.outcomes;

/** One group of a waste or savings summary (waste rows carry units; savings rows leave them 0). */
public record SummaryRow(String key, String label, long pence, double units, int entryCount) {
}
