package uk.rxledger.outcomes;

/** A practice's month: activity by business date, and its state at the month's end. */
public record PracticeMetrics(String practice, String month, int registeredPatients, int patientsWithTenOrMoreMedicines,
                              int patientsWithAcbThreeOrMore, int smrEligiblePatients, int reviewsCompleted,
                              int medicinesStarted, int switches, int deprescribings, int adherenceChecks,
                              Double adherentShare, int openSafetyAlerts, int alertsAccepted, int alertsDeclined,
                              Double alertAcceptanceRate, long wastePence, long annualSavingsPence) {
}
