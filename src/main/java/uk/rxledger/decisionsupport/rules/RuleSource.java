package uk.rxledger.decisionsupport.rules;

/** Where a rule comes from; the contract's {@code source} values. */
public enum RuleSource {
    PINCER, STOPP_V2, ACB, NHSE_SMR, PDC, FORMULARY
}
