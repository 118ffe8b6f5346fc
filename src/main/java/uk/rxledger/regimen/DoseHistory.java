package uk.rxledger.regimen;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The prescribed dose of one medicine line over time: the dose it started with and every change, in date order.
 * Plain domain logic shared by adherence (PDC) and supply-on-hand calculations.
 */
public final class DoseHistory {

    /** A dose in force from {@code from} until the next change. */
    public record Dose(LocalDate from, double unitsPerDose, double dosesPerDay) {
        public double dailyUnits() {
            return unitsPerDose * dosesPerDay;
        }
    }

    private final List<Dose> doses;

    private DoseHistory(List<Dose> doses) {
        this.doses = doses;
    }

    public static DoseHistory startingWith(Dose first) {
        return new DoseHistory(List.of(first));
    }

    /** A history from doses in date order, as stored. */
    public static DoseHistory of(List<Dose> doses) {
        if (doses.isEmpty()) {
            throw new IllegalArgumentException("A line always has a dose");
        }
        DoseHistory history = startingWith(doses.get(0));
        for (Dose dose : doses.subList(1, doses.size())) {
            history = history.changedTo(dose);
        }
        return history;
    }

    /** A new history with a change from {@code dose.from()}; changes must come in date order. */
    public DoseHistory changedTo(Dose dose) {
        if (dose.from().isBefore(latest().from())) {
            throw new IllegalArgumentException("Dose changes must be in date order");
        }
        List<Dose> next = new ArrayList<>(doses);
        next.add(dose);
        return new DoseHistory(Collections.unmodifiableList(next));
    }

    public Dose latest() {
        return doses.get(doses.size() - 1);
    }

    public List<Dose> doses() {
        return doses;
    }

    /** The dose in force on a date; before the first dose, the first one (the line was prescribed at it). */
    public Dose on(LocalDate date) {
        Dose inForce = doses.get(0);
        for (Dose dose : doses) {
            if (dose.from().isAfter(date)) {
                break;
            }
            inForce = dose;
        }
        return inForce;
    }

    public double dailyUnitsOn(LocalDate date) {
        return on(date).dailyUnits();
    }

    /** Units expected to be taken over {@code from}..{@code to} inclusive at the dose in force each day. */
    public double expectedUnits(LocalDate from, LocalDate to) {
        double total = 0;
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            total += dailyUnitsOn(day);
        }
        return total;
    }
}
