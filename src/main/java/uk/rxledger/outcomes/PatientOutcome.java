package uk.rxledger.outcomes;

import java.time.LocalDate;

/** The patient's state today, with the latest adherence and the last structured review. */
public record PatientOutcome(int activeMedicineCount, int acbTotal, int openSafetyAlertCount, Double latestAdherence,
                             long monthlyCostPence, LocalDate lastReviewOn) {
}
