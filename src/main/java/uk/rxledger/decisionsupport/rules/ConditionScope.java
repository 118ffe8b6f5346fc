package uk.rxledger.decisionsupport.rules;

/** Which recorded conditions a rule counts on today's date. */
public enum ConditionScope {
    /** Recorded on or before today and not resolved on or before today. */
    ACTIVE,
    /** Ever recorded on or before today, resolved or not: a "history of" the condition. */
    HISTORY
}
