package uk.rxledger.governance;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.regimen.AdherenceChecked;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.DoseChanged;
import uk.rxledger.regimen.DoseHistory;
import uk.rxledger.regimen.MedicineDeprescribed;
import uk.rxledger.regimen.MedicineDispensed;
import uk.rxledger.regimen.MedicineStarted;
import uk.rxledger.regimen.MedicineSwitched;
import uk.rxledger.regimen.PatientEvent;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contract's waste and savings figures for one event, from the patient's earlier events (plain Java).
 * <ul>
 * <li>supply on hand for a line on a date = units dispensed on or before it - units expected to be taken from the
 * first dispensing to the day before it, at the dose in force each day; never below 0;</li>
 * <li>a switch or a deprescribing wastes the {@code unusedQuantity} given, else the supply on hand
 * ({@code SWITCHED_WITH_SUPPLY}, {@code STOPPED_WITH_SUPPLY}); a pill count finding more than the supply on hand
 * records the excess ({@code UNUSED_STOCKPILE}); pence = units x price per unit, rounded;</li>
 * <li>a switch saves (old daily units x old price - new daily units x new price) x 365 pence a year (negative when
 * the new regimen costs more); a deprescribing saves daily units x price x 365.</li>
 * </ul>
 */
final class WasteAndSavings {

    record Waste(String category, long pence) {
    }

    record Saving(String kind, long annualPence) {
    }

    private final Catalogue catalogue;
    private final Map<String, Line> lines = new HashMap<>();

    /** A line as far as supply is concerned: its product, doses and dispensings. */
    private static final class Line {
        final String medicineCode;
        DoseHistory doses;
        final List<MedicineDispensed> dispensings = new ArrayList<>();

        Line(String medicineCode, DoseHistory doses) {
            this.medicineCode = medicineCode;
            this.doses = doses;
        }
    }

    /** @param earlier the patient's events before the one to evaluate, in stream order */
    WasteAndSavings(Catalogue catalogue, Iterable<? extends PatientEvent> earlier) {
        this.catalogue = catalogue;
        earlier.forEach(this::apply);
    }

    private void apply(PatientEvent event) {
        if (event instanceof MedicineStarted e) {
            lines.put(e.lineId(), new Line(e.medicineCode(), DoseHistory.startingWith(
                    new DoseHistory.Dose(e.startedOn(), e.unitsPerDose(), e.dosesPerDay()))));
        } else if (event instanceof MedicineSwitched e) {
            lines.put(e.newLineId(), new Line(e.toMedicineCode(), DoseHistory.startingWith(
                    new DoseHistory.Dose(e.switchedOn(), e.unitsPerDose(), e.dosesPerDay()))));
        } else if (event instanceof DoseChanged e) {
            Optional.ofNullable(lines.get(e.lineId())).ifPresent(line -> line.doses = line.doses.changedTo(
                    new DoseHistory.Dose(e.changedOn(), e.unitsPerDose(), e.dosesPerDay())));
        } else if (event instanceof MedicineDispensed e) {
            Optional.ofNullable(lines.get(e.lineId())).ifPresent(line -> line.dispensings.add(e));
        }
    }

    /** Units of a line's product the patient should still have on a date. */
    double supplyOnHand(String lineId, LocalDate on) {
        Line line = lines.get(lineId);
        if (line == null || line.dispensings.isEmpty()) {
            return 0;
        }
        double dispensed = 0;
        LocalDate first = null;
        for (MedicineDispensed d : line.dispensings) {
            if (!d.dispensedOn().isAfter(on)) {
                dispensed += d.quantity();
            }
            if (first == null || d.dispensedOn().isBefore(first)) {
                first = d.dispensedOn();
            }
        }
        double taken = first.isBefore(on) ? line.doses.expectedUnits(first, on.minusDays(1)) : 0;
        return Math.max(0, dispensed - taken);
    }

    Optional<Waste> waste(PatientEvent event) {
        if (event instanceof MedicineSwitched e) {
            return waste("SWITCHED_WITH_SUPPLY", e.lineId(), e.unusedQuantity(), e.switchedOn());
        }
        if (event instanceof MedicineDeprescribed e) {
            return waste("STOPPED_WITH_SUPPLY", e.lineId(), e.unusedQuantity(), e.stoppedOn());
        }
        if (event instanceof AdherenceChecked e && e.method() == AdherenceMethod.PILL_COUNT
                && e.unitsRemaining() != null) {
            double excess = e.unitsRemaining() - supplyOnHand(e.lineId(), e.checkedOn());
            return excess > 0 ? pence(e.lineId(), excess).map(p -> new Waste("UNUSED_STOCKPILE", p)) : Optional.empty();
        }
        return Optional.empty();
    }

    private Optional<Waste> waste(String category, String lineId, Double unused, LocalDate on) {
        double units = unused != null ? unused : supplyOnHand(lineId, on);
        return units > 0 ? pence(lineId, units).map(p -> new Waste(category, p)) : Optional.empty();
    }

    Optional<Saving> saving(PatientEvent event) {
        if (event instanceof MedicineSwitched e) {
            Line line = lines.get(e.lineId());
            Optional<Medicine> from = catalogue.find(e.fromMedicineCode());
            Optional<Medicine> to = catalogue.find(e.toMedicineCode());
            if (line == null || from.isEmpty() || to.isEmpty()) {
                return Optional.empty();
            }
            double before = line.doses.dailyUnitsOn(e.switchedOn()) * from.get().pricePerUnitPence();
            double after = e.unitsPerDose() * e.dosesPerDay() * to.get().pricePerUnitPence();
            return Optional.of(new Saving("SWITCH", Math.round((before - after) * 365)));
        }
        if (event instanceof MedicineDeprescribed e) {
            Line line = lines.get(e.lineId());
            Optional<Medicine> medicine = catalogue.find(e.medicineCode());
            if (line == null || medicine.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Saving("DEPRESCRIBE", Math.round(
                    line.doses.dailyUnitsOn(e.stoppedOn()) * medicine.get().pricePerUnitPence() * 365)));
        }
        return Optional.empty();
    }

    private Optional<Long> pence(String lineId, double units) {
        Line line = lines.get(lineId);
        return line == null ? Optional.empty()
                : catalogue.find(line.medicineCode).map(m -> Math.round(units * m.pricePerUnitPence()));
    }
}
