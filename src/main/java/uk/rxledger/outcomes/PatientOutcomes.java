package uk.rxledger.outcomes;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.PatientView.AlertView;
import uk.rxledger.regimen.PatientView.LineView;
import uk.rxledger.regimen.PatientView.ReviewView;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.waste.Costs;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;

/**
 * A patient's outcome figures on any business date, derived from the read model's history: a line counts on a date
 * when it started on or before it and had not ended by it (a line switched on a date is replaced that day); the dose
 * is the one in force that day; a SAFETY alert is open from the day it was raised until the day it was resolved or
 * answered. "On a date" means at the end of that day.
 */
public final class PatientOutcomes {

    /** The contract's "after" is the review date + 90 days. */
    public static final int AFTER_DAYS = 90;

    private PatientOutcomes() {
    }

    public static PatientOutcome today(PatientView patient, LocalDate today, Catalogue catalogue) {
        OutcomeFigures now = on(patient, today, catalogue);
        LocalDate lastReview = structuredReviews(patient, today).stream().map(r -> r.reviewedOn)
                .max(Comparator.naturalOrder()).orElse(null);
        return new PatientOutcome(now.activeMedicineCount(), now.acbTotal(), now.openSafetyAlertCount(),
                                  patient.latestAdherence(), now.monthlyCostPence(), lastReview);
    }

    /**
     * For each structured review, in date order: {@code before} is the state as the review day began (the end of the
     * day before), so that what the review changed that day counts as its effect; {@code after} is the state at the
     * end of the review date + 90 days, or of today while that day has not come.
     */
    public static List<ReviewOutcome> reviews(PatientView patient, LocalDate today, Catalogue catalogue) {
        return structuredReviews(patient, today).stream().map(review -> {
            LocalDate due = review.reviewedOn.plusDays(AFTER_DAYS);
            LocalDate asOf = due.isAfter(today) ? today : due;
            return new ReviewOutcome(review.reviewedOn, on(patient, review.reviewedOn.minusDays(1), catalogue),
                                     on(patient, asOf, catalogue), asOf);
        }).toList();
    }

    /** The figures at the end of {@code date}. */
    public static OutcomeFigures on(PatientView patient, LocalDate date, Catalogue catalogue) {
        List<LineView> active = activeOn(patient, date);
        int acb = active.stream().mapToInt(l -> catalogue.find(l.medicineCode).map(Medicine::acbScore).orElse(0)).sum();
        int safety = (int) patient.alerts.stream().filter(a -> "SAFETY".equals(a.category) && openOn(a, date)).count();
        return new OutcomeFigures(active.size(), acb, safety, Costs.monthlyPence(active, date, catalogue));
    }

    public static List<LineView> activeOn(PatientView patient, LocalDate date) {
        return patient.lines.stream()
                .filter(l -> !l.startedOn.isAfter(date) && (l.endedOn == null || l.endedOn.isAfter(date)))
                .toList();
    }

    static boolean openOn(AlertView alert, LocalDate date) {
        return alert.raisedOn != null && !alert.raisedOn.isAfter(date)
                && (alert.resolvedOn == null || alert.resolvedOn.isAfter(date))
                && (alert.respondedOn == null || alert.respondedOn.isAfter(date));
    }

    private static List<ReviewView> structuredReviews(PatientView patient, LocalDate today) {
        return patient.reviews.stream()
                .filter(r -> r.kind == ReviewKind.STRUCTURED && r.reviewedOn != null && !r.reviewedOn.isAfter(today))
                .sorted(Comparator.comparing(r -> r.reviewedOn)).toList();
    }
}
