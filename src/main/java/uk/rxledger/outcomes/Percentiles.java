package uk.rxledger.outcomes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** How OpenPrescribing ranks practices on a measure. */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * Percent rank, 0-100: 100 x (number of values below {@code value}) / (n - 1), as SQL's PERCENT_RANK over the
     * values in ascending order (ties share the lowest rank); 0 when there is one value.
     */
    public static double percentRank(List<Double> values, double value) {
        if (values.size() <= 1) {
            return 0;
        }
        long below = values.stream().filter(v -> v < value).count();
        return 100.0 * below / (values.size() - 1);
    }

    /** The 10th..90th percentiles by linear interpolation (PERCENTILE_CONT, numpy's default); empty for no values. */
    public static List<Double> deciles(List<Double> values) {
        if (values.isEmpty()) {
            return List.of();
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        List<Double> deciles = new ArrayList<>();
        for (int d = 1; d <= 9; d++) {
            deciles.add(continuous(sorted, d / 10.0));
        }
        return deciles;
    }

    static double continuous(List<Double> sorted, double fraction) {
        double position = (sorted.size() - 1) * fraction;
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sorted.size() - 1);
        return sorted.get(lower) + (position - lower) * (sorted.get(upper) - sorted.get(lower));
    }
}
