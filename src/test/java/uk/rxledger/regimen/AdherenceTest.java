package uk.rxledger.regimen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import uk.rxledger.regimen.Adherence.Dispensing;
import uk.rxledger.regimen.DoseHistory.Dose;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The contract's adherence formulas (section "Adherence"), each case worked out by hand. Periods are inclusive; unless
 * a case says otherwise the line takes 1 unit once a day from 2026-01-01 and the period is March 2026 (31 days).
 */
class AdherenceTest {

    private static final LocalDate LINE_START = d("2026-01-01");
    private static final LocalDate MARCH_1 = d("2026-03-01");
    private static final LocalDate MARCH_31 = d("2026-03-31");

    private static LocalDate d(String iso) {
        return LocalDate.parse(iso);
    }

    private static Dispensing disp(String on, double quantity) {
        return new Dispensing(d(on), quantity);
    }

    private static DoseHistory daily(double unitsPerDose, double dosesPerDay) {
        return DoseHistory.startingWith(new Dose(LINE_START, unitsPerDose, dosesPerDay));
    }

    private static final DoseHistory ONCE_A_DAY = daily(1, 1);

    /** 1 x 1 a day until 2026-03-15, 1 x 2 a day from 2026-03-16. */
    private static final DoseHistory DOUBLED_ON_MARCH_16 =
            ONCE_A_DAY.changedTo(new Dose(d("2026-03-16"), 1, 2));

    // ------------------------------------------------------------------ proportion of days covered

    static Stream<Arguments> pdcCases() {
        return Stream.of(
                // 10 units at 1/day on 03-05 cover 03-05..03-14 = 10 days; 10/31
                arguments("single dispensing fully inside the period",
                          List.of(disp("2026-03-05", 10)), ONCE_A_DAY, MARCH_1, MARCH_31, 10.0 / 31),
                // 03-01 x10 covers 03-01..03-10; 03-06 x10 overlaps, so starts 03-11 and covers 03-11..03-20:
                // 20/31 (counting it from its own date would give 03-01..03-15 = 15/31)
                arguments("overlapping dispensing starts the day after the earlier cover ends",
                          List.of(disp("2026-03-01", 10), disp("2026-03-06", 10)), ONCE_A_DAY, MARCH_1, MARCH_31,
                          20.0 / 31),
                // same, given out of date order: the later-dated one still follows the earlier cover
                arguments("dispensings given out of date order",
                          List.of(disp("2026-03-06", 10), disp("2026-03-01", 10)), ONCE_A_DAY, MARCH_1, MARCH_31,
                          20.0 / 31),
                // 02-20 x28 covers 02-20..03-19; inside March 03-01..03-19 = 19 days; 19/31
                arguments("dispensing before the period reaching into it",
                          List.of(disp("2026-02-20", 28)), ONCE_A_DAY, MARCH_1, MARCH_31, 19.0 / 31),
                // 02-01 x28 covers 02-01..02-28 (none of March); 02-20 x28 overlaps so covers 03-01..03-28; 28/31
                arguments("overlap carried over from before the period",
                          List.of(disp("2026-02-01", 28), disp("2026-02-20", 28)), ONCE_A_DAY, MARCH_1, MARCH_31,
                          28.0 / 31),
                // 01-10 x28 covers 01-10..02-06: entirely before March; 0/31
                arguments("dispensing whose cover ends before the period",
                          List.of(disp("2026-01-10", 28)), ONCE_A_DAY, MARCH_1, MARCH_31, 0.0),
                // 03-01 x15 at 1/day (dose on 03-01) covers 03-01..03-15 = 15 days;
                // 03-16 x30 at 2/day (dose in force on 03-16) = 15 days, 03-16..03-30; 30/31
                // (at the period-start dose it would be 30 days and cap at 31/31)
                arguments("dose change between dispensings: days at the dose on each dispensing date",
                          List.of(disp("2026-03-01", 15), disp("2026-03-16", 30)), DOUBLED_ON_MARCH_16, MARCH_1,
                          MARCH_31, 30.0 / 31),
                // 03-01 x20 at 1/day is 20 days, 03-01..03-20, even though the dose doubles from 03-16; 20/31
                arguments("cover of a dispensing keeps the dose in force on its date",
                          List.of(disp("2026-03-01", 20)), DOUBLED_ON_MARCH_16, MARCH_1, MARCH_31, 20.0 / 31),
                // 1 x 2 a day: 15 units / 2 = 7.5 -> 7 days, 03-01..03-07; 7/31
                arguments("quantity not a whole number of days is rounded down",
                          List.of(disp("2026-03-01", 15)), daily(1, 2), MARCH_1, MARCH_31, 7.0 / 31),
                // 0.1 mL once a day: 2.8 / 0.1 is 27.999999999999996 in binary, still 28 days: 03-01..03-28; 28/31
                arguments("floating-point noise does not lose a day",
                          List.of(disp("2026-03-01", 2.8)), daily(0.1, 1), MARCH_1, MARCH_31, 28.0 / 31),
                // 1 unit at 2/day is 0.5 -> 0 days and covers nothing; 03-02 x20 at 2/day = 10 days, 03-02..03-11;
                // 10/31 (rounding the 0.5 day up would add 03-01: 11/31)
                arguments("less than a day's supply covers nothing",
                          List.of(disp("2026-03-01", 1), disp("2026-03-02", 20)), daily(1, 2), MARCH_1, MARCH_31,
                          10.0 / 31),
                arguments("no dispensing", List.of(), ONCE_A_DAY, MARCH_1, MARCH_31, 0.0),
                // 03-01 x60 + 03-10 x60 at 1/day cover far beyond 03-31: all 31 days; 31/31 = 1
                arguments("more than enough supply is capped at 1",
                          List.of(disp("2026-03-01", 60), disp("2026-03-10", 60)), ONCE_A_DAY, MARCH_1, MARCH_31,
                          1.0),
                // 03-01 x10 covers 10 days; 04-01 x100 is after the period and ignored; 10/31
                arguments("dispensing after the period end is ignored",
                          List.of(disp("2026-03-01", 10), disp("2026-04-01", 100)), ONCE_A_DAY, MARCH_1, MARCH_31,
                          10.0 / 31),
                // 03-31 x28: only its first day, 03-31, is inside the period; 1/31
                arguments("dispensing on the last day counts that day",
                          List.of(disp("2026-03-31", 28)), ONCE_A_DAY, MARCH_1, MARCH_31, 1.0 / 31),
                // one-day period 03-10..03-10 covered by 03-01 x28 (03-01..03-28); 1/1
                arguments("one-day period",
                          List.of(disp("2026-03-01", 28)), ONCE_A_DAY, d("2026-03-10"), d("2026-03-10"), 1.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pdcCases")
    void proportionOfDaysCovered(String name, List<Dispensing> dispensings, DoseHistory doses, LocalDate from,
                                 LocalDate to, double expected) {
        assertThat(Adherence.proportionOfDaysCovered(dispensings, doses, from, to)).isCloseTo(expected, within(1e-12));
    }

    // ------------------------------------------------------------------ pill count

    static Stream<Arguments> pillCountCases() {
        return Stream.of(
                // in March: 03-01 x28 + 03-29 x28 = 56 (02-25 and 04-01 are outside); expected 31 x 1 = 31;
                // (56 - 30) / 31 = 26/31 = 0.839
                arguments("dispensed inside the period minus remaining over expected",
                          List.of(disp("2026-02-25", 28), disp("2026-03-01", 28), disp("2026-03-29", 28),
                                  disp("2026-04-01", 28)),
                          ONCE_A_DAY, MARCH_1, MARCH_31, 30.0, 26.0 / 31),
                // dispensings on the first and the last day of the period both count: (28 + 28 - 25) / 31 = 1
                arguments("dispensings on the period boundaries count",
                          List.of(disp("2026-03-01", 28), disp("2026-03-31", 28)),
                          ONCE_A_DAY, MARCH_1, MARCH_31, 25.0, 31.0 / 31),
                // (28 - 40) / 31 < 0 -> 0
                arguments("more remaining than dispensed is clamped to 0",
                          List.of(disp("2026-03-01", 28)), ONCE_A_DAY, MARCH_1, MARCH_31, 40.0, 0.0),
                // (56 - 0) / 31 = 1.81 -> 1
                arguments("over-adherent is clamped to 1",
                          List.of(disp("2026-03-01", 28), disp("2026-03-15", 28)), ONCE_A_DAY, MARCH_1, MARCH_31,
                          0.0, 1.0),
                // expected, day by day: 03-01..03-15 at 1 = 15, 03-16..03-31 (16 days) at 2 = 32, total 47;
                // dispensed 03-01 x28 + 03-16 x30 = 58; (58 - 11.4) / 47 = 46.6/47 = 0.9915
                // (at the period-start dose, 31 expected, it would clamp to 1)
                arguments("dose change inside the period: expected units summed day by day",
                          List.of(disp("2026-03-01", 28), disp("2026-03-16", 30)), DOUBLED_ON_MARCH_16, MARCH_1,
                          MARCH_31, 11.4, 46.6 / 47),
                // same line, April (30 days, all at 2/day = 60 expected); 04-01 x60 with 12 left: 48/60 = 0.8
                arguments("period wholly after the change uses the new dose",
                          List.of(disp("2026-03-16", 30), disp("2026-04-01", 60)), DOUBLED_ON_MARCH_16,
                          d("2026-04-01"), d("2026-04-30"), 12.0, 0.8),
                arguments("no dispensing and nothing remaining",
                          List.of(), ONCE_A_DAY, MARCH_1, MARCH_31, 0.0, 0.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pillCountCases")
    void pillCount(String name, List<Dispensing> dispensings, DoseHistory doses, LocalDate from, LocalDate to,
                   double unitsRemaining, double expected) {
        assertThat(Adherence.pillCount(dispensings, doses, from, to, unitsRemaining)).isCloseTo(expected,
                                                                                                 within(1e-12));
    }

    // ------------------------------------------------------------------ self report

    static Stream<Arguments> selfReportCases() {
        return Stream.of(
                arguments("none missed", 0.0, 1.0, 1.0),                   // 1 - 0/7 = 1
                arguments("a whole week missed at 1 a day", 7.0, 1.0, 0.0), // 1 - 7/7 = 0
                arguments("3.5 missed at 2 a day", 3.5, 2.0, 0.75),         // 1 - 3.5/14 = 0.75
                arguments("1 missed at 1 a day", 1.0, 1.0, 6.0 / 7),        // 1 - 1/7 = 0.857
                arguments("2 missed at 3 a day", 2.0, 3.0, 19.0 / 21),      // 1 - 2/21 = 0.905
                arguments("more missed than due is clamped to 0", 10.0, 1.0, 0.0)); // 1 - 10/7 < 0 -> 0
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selfReportCases")
    void selfReport(String name, double dosesMissedPerWeek, double dosesPerDay, double expected) {
        assertThat(Adherence.selfReport(dosesMissedPerWeek, dosesPerDay)).isCloseTo(expected, within(1e-12));
    }

    // ------------------------------------------------------------------ threshold

    static Stream<Arguments> thresholdCases() {
        return Stream.of(
                arguments("exactly 0.80", 0.8, true),
                arguments("just below 0.80", 0.7999, false),
                arguments("fully adherent", 1.0, true),
                arguments("nothing taken", 0.0, false),
                // 1 - 1.4/7 is the self-report value that should land on the threshold
                arguments("self report of 1.4 missed at 1 a day", Adherence.selfReport(1.4, 1), true),
                // 24/30 days covered
                arguments("PDC of 24 of 30 days", 24.0 / 30, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("thresholdCases")
    void adherentAtEightyPercentOrMore(String name, double adherence, boolean expected) {
        assertThat(Adherence.adherent(adherence)).isEqualTo(expected);
    }

    @Test
    void thresholdIsEightyPercent() {
        assertThat(Adherence.ADHERENT_THRESHOLD).isEqualTo(0.80);
    }

    @Test
    void daysInclusiveCountsBothEnds() {
        assertThat(Adherence.daysInclusive(MARCH_1, MARCH_31)).isEqualTo(31);
        assertThat(Adherence.daysInclusive(MARCH_1, MARCH_1)).isEqualTo(1);
        assertThat(Adherence.daysInclusive(d("2028-02-01"), d("2028-02-29"))).isEqualTo(29); // leap year
    }
}
