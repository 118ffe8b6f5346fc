package uk.rxledger.waste;

/** What saved the money. */
public enum SavingsKind {
    SWITCH, DEPRESCRIBE
}
