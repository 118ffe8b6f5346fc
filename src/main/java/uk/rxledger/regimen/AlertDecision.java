package uk.rxledger.regimen;

public enum AlertDecision {
    ACCEPTED, DECLINED
}
