package uk.rxledger.decisionsupport.rules;

/** How urgently a clinician should look at an alert raised by a rule. */
public enum Severity {
    HIGH, MEDIUM, LOW
}
