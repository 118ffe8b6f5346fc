package uk.rxledger.access;

/** The contract's roles, in the order a granting role is chosen when a caller holds several. */
public enum Role {
    CLINICIAN, PHARMACIST, AUDITOR, GOVERNANCE, ADMIN
}
