package uk.rxledger.regimen;

public enum Sex {
    FEMALE, MALE, OTHER, UNKNOWN
}
