package uk.rxledger.regimen;

/** OPEN when raised; ACCEPTED or DECLINED when answered; RESOLVED when its rule stops holding. */
public enum AlertStatus {
    OPEN, ACCEPTED, DECLINED, RESOLVED
}
