package uk.rxledger.regimen;

public enum Frailty {
    NONE, MILD, MODERATE, SEVERE
}
