package uk.rxledger.regimen;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

/**
 * The contract's three adherence measures for one medicine line over a period (inclusive). Plain Java, no Spring.
 */
public final class Adherence {

    /** Adherent at 80% or more, the threshold used for PDC in the adherence literature (and by PQA). */
    public static final double ADHERENT_THRESHOLD = 0.80;

    /** Absorbs floating-point noise such as 2.8 / 0.1 = 27.999999999999996 before rounding down to whole days. */
    private static final double EPSILON = 1e-9;

    private Adherence() {
    }

    public record Dispensing(LocalDate dispensedOn, double quantity) {
    }

    public static boolean adherent(double adherence) {
        return adherence >= ADHERENT_THRESHOLD;
    }

    /**
     * Proportion of days covered: each dispensing covers quantity / daily units days (rounded down, at the dose in
     * force on the dispensing date) from its date, or from the day after earlier cover ends where they overlap; only
     * days inside the period count.
     */
    public static double proportionOfDaysCovered(List<Dispensing> dispensings, DoseHistory doses,
                                                 LocalDate periodStart, LocalDate periodEnd) {
        long periodDays = daysInclusive(periodStart, periodEnd);
        LocalDate coveredUntil = null;
        long covered = 0;
        for (Dispensing dispensing : dispensings.stream()
                .sorted(Comparator.comparing(Dispensing::dispensedOn)).toList()) {
            if (dispensing.dispensedOn().isAfter(periodEnd)) {
                break;
            }
            long days = (long) Math.floor(dispensing.quantity() / doses.dailyUnitsOn(dispensing.dispensedOn()) + EPSILON);
            if (days <= 0) {
                continue;
            }
            LocalDate start = dispensing.dispensedOn();
            if (coveredUntil != null && !start.isAfter(coveredUntil)) {
                start = coveredUntil.plusDays(1);
            }
            LocalDate end = start.plusDays(days - 1);
            coveredUntil = end;
            covered += overlap(start, end, periodStart, periodEnd);
        }
        return Math.min(1.0, (double) covered / periodDays);
    }

    /** (units dispensed inside the period - units remaining) / units expected to be taken in the period, in 0..1. */
    public static double pillCount(List<Dispensing> dispensings, DoseHistory doses, LocalDate periodStart,
                                   LocalDate periodEnd, double unitsRemaining) {
        double dispensed = dispensings.stream()
                .filter(d -> !d.dispensedOn().isBefore(periodStart) && !d.dispensedOn().isAfter(periodEnd))
                .mapToDouble(Dispensing::quantity).sum();
        return clamp((dispensed - unitsRemaining) / doses.expectedUnits(periodStart, periodEnd));
    }

    /** 1 - doses missed a week / doses due a week, in 0..1. */
    public static double selfReport(double dosesMissedPerWeek, double dosesPerDay) {
        return clamp(1 - dosesMissedPerWeek / (7 * dosesPerDay));
    }

    static long daysInclusive(LocalDate from, LocalDate to) {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }

    private static long overlap(LocalDate start, LocalDate end, LocalDate periodStart, LocalDate periodEnd) {
        LocalDate from = start.isAfter(periodStart) ? start : periodStart;
        LocalDate to = end.isBefore(periodEnd) ? end : periodEnd;
        return to.isBefore(from) ? 0 : daysInclusive(from, to);
    }

    private static double clamp(double value) {
        return Math.max(0.0, Math.min(1.0, value));
    }
}
