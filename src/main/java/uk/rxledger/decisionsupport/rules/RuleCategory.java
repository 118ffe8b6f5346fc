package uk.rxledger.decisionsupport.rules;

/** What kind of problem a rule points at; the contract's alert {@code category} values. */
public enum RuleCategory {
    SAFETY, MONITORING, REVIEW, ADHERENCE, COST
}
