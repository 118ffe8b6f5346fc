package uk.rxledger.outcomes;

/** How summaries group entries (WasteGrouping and SavingsGrouping in the schema; CATEGORY is waste's, REASON savings'). */
public enum Grouping {
    PRACTICE, PCN, MEDICINE, CATEGORY, REASON, MONTH
}
