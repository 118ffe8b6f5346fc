package uk.rxledger.regimen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import uk.rxledger.regimen.DoseHistory.Dose;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The dose of a line over time: which dose is in force on a date, and units expected over a range. */
class DoseHistoryTest {

    private static LocalDate d(String iso) {
        return LocalDate.parse(iso);
    }

    /** 1 x 1 (1 a day) from 01-10, 1 x 2 (2 a day) from 03-01, 0.5 x 1 (0.5 a day) from 05-01. */
    private static final Dose START = new Dose(d("2026-01-10"), 1, 1);
    private static final Dose DOUBLED = new Dose(d("2026-03-01"), 1, 2);
    private static final Dose HALVED = new Dose(d("2026-05-01"), 0.5, 1);
    private static final DoseHistory HISTORY = DoseHistory.of(List.of(START, DOUBLED, HALVED));

    static Stream<Arguments> doseOnDate() {
        return Stream.of(
                arguments("long before the first dose: the first dose", "2025-06-01", START, 1.0),
                arguments("the day before the first dose: the first dose", "2026-01-09", START, 1.0),
                arguments("on the start date", "2026-01-10", START, 1.0),
                arguments("the day before the first change", "2026-02-28", START, 1.0),
                arguments("on the first change date", "2026-03-01", DOUBLED, 2.0),
                arguments("between the changes", "2026-04-15", DOUBLED, 2.0),
                arguments("the day before the second change", "2026-04-30", DOUBLED, 2.0),
                arguments("on the second change date", "2026-05-01", HALVED, 0.5),
                arguments("long after the last change", "2030-01-01", HALVED, 0.5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("doseOnDate")
    void doseInForceOnADate(String name, String date, Dose expected, double dailyUnits) {
        assertThat(HISTORY.on(d(date))).isEqualTo(expected);
        assertThat(HISTORY.dailyUnitsOn(d(date))).isEqualTo(dailyUnits);
    }

    static Stream<Arguments> expectedUnits() {
        return Stream.of(
                // 02-27, 02-28 at 1 + 03-01, 03-02 at 2 = 2 + 4 = 6
                arguments("across the first change", "2026-02-27", "2026-03-02", 6.0),
                // 03-01..03-31 at 2 = 62
                arguments("a month at the doubled dose", "2026-03-01", "2026-03-31", 62.0),
                // 04-29, 04-30 at 2 + 05-01..05-04 at 0.5 = 4 + 2 = 6
                arguments("across the second change", "2026-04-29", "2026-05-04", 6.0),
                // 02-28 at 1 + 03-01..04-30 (61 days) at 2 + 05-01 at 0.5 = 1 + 122 + 0.5 = 123.5
                arguments("across both changes", "2026-02-28", "2026-05-01", 123.5),
                // 01-08, 01-09 before the start count at the first dose, + 01-10 = 3
                arguments("before the first dose at the first dose", "2026-01-08", "2026-01-10", 3.0),
                arguments("a single day", "2026-03-15", "2026-03-15", 2.0),
                arguments("an empty range (to before from)", "2026-03-15", "2026-03-14", 0.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectedUnits")
    void expectedUnitsFollowTheDoseDayByDay(String name, String from, String to, double expected) {
        assertThat(HISTORY.expectedUnits(d(from), d(to))).isCloseTo(expected, within(1e-9));
    }

    @Test
    void latestIsTheLastChange() {
        assertThat(HISTORY.latest()).isEqualTo(HALVED);
        assertThat(HISTORY.doses()).containsExactly(START, DOUBLED, HALVED);
    }

    @Test
    void dailyUnitsAreUnitsPerDoseTimesDosesPerDay() {
        assertThat(new Dose(d("2026-01-01"), 2.5, 3).dailyUnits()).isEqualTo(7.5);
    }

    @Test
    void changedToLeavesTheOriginalUntouched() {
        DoseHistory original = DoseHistory.startingWith(START);
        DoseHistory changed = original.changedTo(DOUBLED);

        assertThat(original.doses()).containsExactly(START);
        assertThat(changed.doses()).containsExactly(START, DOUBLED);
        assertThat(changed.on(d("2026-03-01"))).isEqualTo(DOUBLED);
        assertThatThrownBy(() -> changed.doses().add(HALVED)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aChangeOnTheSameDateAsTheLatestReplacesItFromThatDate() {
        Dose correction = new Dose(DOUBLED.from(), 1, 3);
        DoseHistory corrected = DoseHistory.startingWith(START).changedTo(DOUBLED).changedTo(correction);

        assertThat(corrected.on(d("2026-03-01"))).isEqualTo(correction);
        assertThat(corrected.on(d("2026-02-28"))).isEqualTo(START);
        assertThat(corrected.latest()).isEqualTo(correction);
    }

    @Test
    void rejectsAChangeDatedBeforeTheLatest() {
        DoseHistory history = DoseHistory.startingWith(START).changedTo(DOUBLED);
        Dose earlier = new Dose(d("2026-02-28"), 3, 1);

        assertThatThrownBy(() -> history.changedTo(earlier))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("date order");
        assertThat(history.doses()).containsExactly(START, DOUBLED);
    }

    @Test
    void rejectsStoredDosesOutOfOrder() {
        assertThatThrownBy(() -> DoseHistory.of(List.of(START, HALVED, DOUBLED)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("date order");
    }

    @Test
    void rejectsAChangeBeforeTheFirstDose() {
        assertThatThrownBy(() -> DoseHistory.startingWith(DOUBLED).changedTo(START))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAnEmptyHistory() {
        assertThatThrownBy(() -> DoseHistory.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("always has a dose");
    }
}
