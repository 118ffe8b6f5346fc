package uk.rxledger.regimen;

public enum AdherenceMethod {
    REFILL_RECORD, PILL_COUNT, SELF_REPORT
}
