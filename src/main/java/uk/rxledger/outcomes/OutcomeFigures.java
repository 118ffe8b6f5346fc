package uk.rxledger.outcomes;

/** What the outcome measures count for one patient at one moment. */
public record OutcomeFigures(int activeMedicineCount, int acbTotal, int openSafetyAlertCount, long monthlyCostPence) {
}
