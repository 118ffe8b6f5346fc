package uk.rxledger.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Per-round rates of one measurement: median, nearest-rank p95 and the worst round. */
record BenchStats(List<Double> rates) {

    static BenchStats of(List<Double> rates) {
        return new BenchStats(List.copyOf(rates));
    }

    private List<Double> sorted() {
        List<Double> sorted = new ArrayList<>(rates);
        Collections.sort(sorted);
        return sorted;
    }

    double median() {
        List<Double> s = sorted();
        int n = s.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Nearest-rank percentile (0-100] of the per-round values. */
    double percentile(double p) {
        List<Double> s = sorted();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    double p95() {
        return percentile(95);
    }

    double min() {
        return sorted().isEmpty() ? Double.NaN : sorted().get(0);
    }

    String rounds() {
        List<String> parts = new ArrayList<>();
        for (double r : rates) {
            parts.add(fmt(r));
        }
        return String.join(" / ", parts);
    }

    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String pct(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", ratio * 100);
    }

    static String times(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio);
    }
}
