package uk.rxledger.waste;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.regimen.PatientView.LineView;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collection;

/** What medicines cost at the catalogue's indicative prices. */
public final class Costs {

    /** The contract's month for the monthly cost. */
    public static final int DAYS_PER_MONTH = 30;
    /** The contract's year for annual savings. */
    public static final int DAYS_PER_YEAR = 365;

    private Costs() {
    }

    /** Pence per unit; 0 for a product the catalogue no longer lists (it cannot be valued). */
    public static double pricePerUnit(Catalogue catalogue, String medicineCode) {
        return catalogue.find(medicineCode).map(Medicine::pricePerUnitPence).orElse(0.0);
    }

    /** Sum over the lines of daily units (at the dose in force on the date) x price x 30, rounded once. */
    public static long monthlyPence(Collection<LineView> lines, LocalDate date, Catalogue catalogue) {
        BigDecimal daily = BigDecimal.ZERO;
        for (LineView line : lines) {
            daily = daily.add(dailyCost(line, date, catalogue));
        }
        return Money.pence(daily.multiply(BigDecimal.valueOf(DAYS_PER_MONTH)));
    }

    /** One line's daily cost at the dose in force on the date. */
    static BigDecimal dailyCost(LineView line, LocalDate date, Catalogue catalogue) {
        return Money.cost(SupplyOnHand.doses(line).dailyUnitsOn(date), pricePerUnit(catalogue, line.medicineCode));
    }
}
