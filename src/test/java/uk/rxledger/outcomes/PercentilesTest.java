package uk.rxledger.outcomes;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Percent rank (SQL PERCENT_RANK x 100) and deciles by continuous percentile (numpy.percentile's default). */
class PercentilesTest {

    @Test
    void decilesInterpolateLinearlyAsNumpy() {
        // numpy.percentile([0.4, 0.1, 0.3, 0.2], range(10, 100, 10))
        assertThat(Percentiles.deciles(List.of(0.4, 0.1, 0.3, 0.2)))
                .usingComparatorForType((a, b) -> Math.abs(a - b) < 1e-12 ? 0 : Double.compare(a, b), Double.class)
                .containsExactly(0.13, 0.16, 0.19, 0.22, 0.25, 0.28, 0.31, 0.34, 0.37);
        // numpy.percentile([0, 0, 1, 5, 10], [10, 50, 90]) = 0, 1, 8
        List<Double> five = Percentiles.deciles(List.of(10.0, 0.0, 5.0, 1.0, 0.0));
        assertThat(five.get(0)).isCloseTo(0.0, within(1e-12));
        assertThat(five.get(4)).isCloseTo(1.0, within(1e-12));
        assertThat(five.get(8)).isCloseTo(8.0, within(1e-12));
        assertThat(Percentiles.deciles(List.of(0.5))).containsOnly(0.5);
        assertThat(Percentiles.deciles(List.of())).isEmpty();
    }

    @Test
    void percentRankIsTheShareOfOtherValuesBelowWithTiesSharingTheLowestRank() {
        List<Double> values = List.of(0.1, 0.3, 0.3, 0.9);
        assertThat(Percentiles.percentRank(values, 0.1)).isEqualTo(0.0);
        assertThat(Percentiles.percentRank(values, 0.3)).isCloseTo(100.0 / 3, within(1e-9));
        assertThat(Percentiles.percentRank(values, 0.9)).isEqualTo(100.0);
        assertThat(Percentiles.percentRank(List.of(0.4), 0.4)).isEqualTo(0.0);
    }
}
