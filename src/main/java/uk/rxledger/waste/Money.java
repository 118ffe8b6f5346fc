package uk.rxledger.waste;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money in pence. Products of quantities and prices are computed in decimal (from the shortest decimal form of each
 * double) and rounded once, half away from zero, so 14 x 2.05p is 28.7p and rounds to 29p rather than suffering
 * binary floating-point error, and a negative saving rounds like a positive one.
 */
public final class Money {

    private Money() {
    }

    /** units x pence per unit, unrounded. */
    public static BigDecimal cost(double units, double pencePerUnit) {
        return BigDecimal.valueOf(units).multiply(BigDecimal.valueOf(pencePerUnit));
    }

    /** The nearest whole penny. */
    public static long pence(BigDecimal amount) {
        return amount.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
