package uk.rxledger.regimen;

/** Medication review kinds; only {@code STRUCTURED} (an NHS structured medication review) counts for SMR cohorts. */
public enum ReviewKind {
    STRUCTURED, CLINICAL, PRESCRIPTION
}
