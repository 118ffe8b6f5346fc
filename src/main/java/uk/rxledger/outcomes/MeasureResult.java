package uk.rxledger.outcomes;

import java.util.List;

/** A measure across practices for one month. */
public record MeasureResult(String code, String title, boolean lowIsGood, List<Practice> practices,
                            List<Double> deciles) {

    public record Practice(String practice, int numerator, int denominator, Double value, Double percentile) {
    }
}
