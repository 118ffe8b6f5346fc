package uk.rxledger.regimen;

public enum LineStatus {
    ACTIVE, SWITCHED, DEPRESCRIBED
}
