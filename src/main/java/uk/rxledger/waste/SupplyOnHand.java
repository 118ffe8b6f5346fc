package uk.rxledger.waste;

import uk.rxledger.regimen.DoseHistory;
import uk.rxledger.regimen.PatientView.DispensingEntry;
import uk.rxledger.regimen.PatientView.DoseEntry;
import uk.rxledger.regimen.PatientView.LineView;

import java.time.LocalDate;
import java.util.List;

/**
 * The contract's supply on hand of one line on a date: units dispensed on or before the date, less the units the
 * prescribed dose used up from the first dispensing to the day before the date (following dose changes), never below 0.
 * It deliberately does not model gaps between dispensings: a patient who ran out and restarted is assumed to have taken
 * every prescribed dose, which is the formula the contract and the national waste estimates use.
 */
public final class SupplyOnHand {

    /** Units are reported to a millionth: enough for liquids, and it absorbs floating-point noise (0.1 x 3). */
    private static final double QUANTUM = 1e6;

    private SupplyOnHand() {
    }

    public static double of(LineView line, LocalDate date) {
        return of(line.dispensings, doses(line), date);
    }

    public static double of(List<DispensingEntry> dispensings, DoseHistory doses, LocalDate date) {
        double dispensed = 0;
        LocalDate first = null;
        for (DispensingEntry d : dispensings) {
            if (!d.dispensedOn.isAfter(date)) {
                dispensed += d.quantity;
                first = first == null || d.dispensedOn.isBefore(first) ? d.dispensedOn : first;
            }
        }
        if (first == null) {
            return 0;
        }
        double used = first.isBefore(date) ? doses.expectedUnits(first, date.minusDays(1)) : 0;
        return Math.max(0, round(dispensed - used));
    }

    /** To a millionth of a unit. */
    static double round(double units) {
        return Math.round(units * QUANTUM) / QUANTUM;
    }

    /** The line's dose history as the read model keeps it (the starting dose alone for a view without one). */
    public static DoseHistory doses(LineView line) {
        if (line.doses == null || line.doses.isEmpty()) {
            return DoseHistory.startingWith(new DoseHistory.Dose(line.startedOn, line.unitsPerDose, line.dosesPerDay));
        }
        return DoseHistory.of(line.doses.stream().map(SupplyOnHand::dose).toList());
    }

    private static DoseHistory.Dose dose(DoseEntry entry) {
        return new DoseHistory.Dose(entry.from, entry.unitsPerDose, entry.dosesPerDay);
    }
}
