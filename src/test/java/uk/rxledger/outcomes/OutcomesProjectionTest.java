package uk.rxledger.outcomes;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import uk.rxledger.decisionsupport.rules.Rule;
import uk.rxledger.decisionsupport.rules.RuleSet;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.RegimenCommands;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;

import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The population read models fed by real commands (through the aggregate and the event store), against figures worked
 * out by hand: activity by business date across two months, waste and savings, a pill-count stockpile revised by a
 * dispensing recorded later but dated before it, and the month-end snapshot taken when a day starts; a month's
 * activity, waste and savings end on its last day; a past month's measure answers from its snapshot.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class OutcomesProjectionTest {

    static final String NAPROXEN_500 = "1001010P0AAAEAE";   // 6.1p
    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";  // 3.07p
    static final String ESOMEPRAZOLE_20 = "0103050E0AAAAAA"; // 5.4p, formulary alternative omeprazole

    @Autowired
    CommandGateway commands;
    @Autowired
    OutcomeQueries queries;
    @Autowired
    OutcomesDay day;
    @Autowired
    RuleSet rules;

    final LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
    final YearMonth thisMonth = YearMonth.from(today);
    final LocalDate day1 = thisMonth.atDay(1);
    final String practice = "Q" + ThreadLocalRandom.current().nextInt(10_000, 99_999);

    @Test
    void activityWasteSavingsAndStateAddUpByPracticeAndMonth() {
        // p1, 75: naproxen 1 x 2 from day1-15 (60 dispensed), 1 x 1 from day1-5, stopped on day1:
        //   supply 60 - (10 x 2 + 5 x 1) = 35 -> 35 x 6.1p = 213.5 -> 214p; saves 1 x 6.1p x 365 = 2226.5 -> 2227p.
        //   Omeprazole from day1 (28 dispensed); a pill count on day1 finds 30: 2 stockpiled x 3.07p = 6p.
        //   A structured review on day1.
        String p1 = register(75);
        String naproxen = start(p1, NAPROXEN_500, 2, day1.minusDays(15));
        send(new RegimenCommands.RecordDispensing(p1, naproxen, 60, day1.minusDays(15)));
        send(new RegimenCommands.ChangeDose(p1, naproxen, 1, 1, day1.minusDays(5), null));
        send(new RegimenCommands.DeprescribeMedicine(p1, naproxen, day1, DeprescribeReason.HIGH_RISK, null, null));
        String omeprazole = start(p1, OMEPRAZOLE_20, 1, day1);
        send(new RegimenCommands.RecordDispensing(p1, omeprazole, 28, day1));
        send(new RegimenCommands.RecordAdherenceCheck(p1, omeprazole, day1, AdherenceMethod.PILL_COUNT, day1, day1,
                                                      30.0, null));
        send(new RegimenCommands.CompleteMedicationReview(p1, day1, "pharmacist", ReviewKind.STRUCTURED, null));
        // p2, 40: esomeprazole from day1-3, switched to omeprazole on day1 with 10 left over: 10 x 5.4p = 54p;
        //   saves (5.4 - 3.07) x 365 = 850.45 -> 850p.
        String p2 = register(40);
        String esomeprazole = start(p2, ESOMEPRAZOLE_20, 1, day1.minusDays(3));
        send(new RegimenCommands.SwitchMedicine(p2, esomeprazole, OMEPRAZOLE_20, 1, 1, day1, SwitchReason.FORMULARY,
                                                10.0));

        PracticeMetrics expected = new PracticeMetrics(practice, thisMonth.toString(), 2, 0, 0, 0, 1, 1, 1, 1, 1, 0.0,
                                                       0, 0, 0, null, 214 + 6 + 54, 2227 + 850);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(queries.practiceMetrics(practice, thisMonth)).isEqualTo(expected));
        PracticeMetrics previous = queries.practiceMetrics(practice, thisMonth.minusMonths(1));
        assertThat(previous.medicinesStarted()).isEqualTo(2);
        assertThat(previous.deprescribings() + previous.switches() + previous.reviewsCompleted()).isZero();
        assertThat(previous.registeredPatients()).as("no month-end snapshot yet").isZero();

        assertThat(queries.waste(Grouping.CATEGORY, practice, null, null, null)).containsExactly(
                new SummaryRow("STOPPED_WITH_SUPPLY", "Stopped with supply on hand", 214, 35, 1),
                new SummaryRow("SWITCHED_WITH_SUPPLY", "Switched with supply on hand", 54, 10, 1),
                new SummaryRow("UNUSED_STOCKPILE", "Unused stockpile found at a pill count", 6, 2, 1));
        assertThat(queries.savings(Grouping.REASON, practice, null, day1, day1)).containsExactly(
                new SummaryRow("FORMULARY", "Formulary", 850, 0, 1),
                new SummaryRow("HIGH_RISK", "High risk", 2227, 0, 1));
        assertThat(queries.savings(Grouping.REASON, practice, null, null, day1.minusDays(1))).isEmpty();

        // FORMULARY_SWITCH: both patients have an active line (at risk); omeprazole has no cheaper alternative.
        MeasureResult.Practice formulary = queries.measure(rule("FORMULARY_SWITCH"), thisMonth, null).practices()
                .stream().filter(p -> p.practice().equals(practice)).findFirst().orElseThrow();
        assertThat(formulary).isEqualTo(new MeasureResult.Practice(practice, 0, 2, 0.0, formulary.percentile()));

        // A dispensing of 5 recorded now but dated day1: supply on day1 becomes 33, so the pill count found no excess.
        send(new RegimenCommands.RecordDispensing(p1, omeprazole, 5, day1));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(queries.practiceMetrics(practice, thisMonth).wastePence()).isEqualTo(214 + 54));
        assertThat(queries.waste(Grouping.CATEGORY, practice, null, null, null))
                .extracting(SummaryRow::key).containsExactly("STOPPED_WITH_SUPPLY", "SWITCHED_WITH_SUPPLY");

        // The first day of this month starts: the state as it stands becomes the previous month's month-end state.
        day.start(day1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                queries.practiceMetrics(practice, thisMonth.minusMonths(1)).registeredPatients()).isEqualTo(2));
        assertThat(queries.practiceMetrics(practice, thisMonth.plusMonths(1)).registeredPatients()).isZero();
    }

    @Test
    void aMonthsActivityWasteAndSavingsStopAtTheMonthsEnd() {
        YearMonth previousMonth = thisMonth.minusMonths(1);
        LocalDate monthEnd = previousMonth.atEndOfMonth(); // day1 - 1
        // a, 70: naproxen (6.1p) 1 a day from monthEnd-10, 30 dispensed then; deprescribed on the month's last day:
        //   30 - 10 taken = 20 x 6.1p = 122p wasted; saves 6.1 x 365 = 2226.5 -> 2227p. Reviewed that day.
        String a = register(70);
        String naproxen = start(a, NAPROXEN_500, 1, monthEnd.minusDays(10));
        send(new RegimenCommands.RecordDispensing(a, naproxen, 30, monthEnd.minusDays(10)));
        send(new RegimenCommands.DeprescribeMedicine(a, naproxen, monthEnd, DeprescribeReason.HIGH_RISK, null, null));
        send(new RegimenCommands.CompleteMedicationReview(a, monthEnd, "pharmacist", ReviewKind.STRUCTURED, null));
        // b, 40: esomeprazole (5.4p) 1 a day from monthEnd-5, 28 dispensed then; switched on the next month's first
        //   day: 28 - 6 = 22 x 5.4p = 118.8 -> 119p wasted; saves (5.4 - 3.07) x 365 = 850.45 -> 850p. Reviewed then.
        String b = register(40);
        String esomeprazole = start(b, ESOMEPRAZOLE_20, 1, monthEnd.minusDays(5));
        send(new RegimenCommands.RecordDispensing(b, esomeprazole, 28, monthEnd.minusDays(5)));
        send(new RegimenCommands.SwitchMedicine(b, esomeprazole, OMEPRAZOLE_20, 1, 1, day1, SwitchReason.FORMULARY,
                                                null));
        send(new RegimenCommands.CompleteMedicationReview(b, day1, "pharmacist", ReviewKind.STRUCTURED, null));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(queries.practiceMetrics(practice, thisMonth).switches()).isEqualTo(1));
        PracticeMetrics previous = queries.practiceMetrics(practice, previousMonth);
        assertThat(List.of(previous.medicinesStarted(), previous.deprescribings(), previous.switches(),
                           previous.reviewsCompleted())).as("started, deprescribed, switched, reviewed")
                .containsExactly(2, 1, 0, 1);
        assertThat(previous.wastePence()).isEqualTo(122);
        assertThat(previous.annualSavingsPence()).isEqualTo(2227);
        PracticeMetrics current = queries.practiceMetrics(practice, thisMonth);
        assertThat(List.of(current.medicinesStarted(), current.deprescribings(), current.switches(),
                           current.reviewsCompleted())).as("started, deprescribed, switched, reviewed")
                .containsExactly(0, 0, 1, 1);
        assertThat(current.wastePence()).isEqualTo(119);
        assertThat(current.annualSavingsPence()).isEqualTo(850);

        String previousLabel = label(previousMonth);
        assertThat(queries.waste(Grouping.MONTH, practice, null, null, null)).containsExactly(
                new SummaryRow(previousMonth.toString(), previousLabel, 122, 20, 1),
                new SummaryRow(thisMonth.toString(), label(thisMonth), 119, 22, 1));
        assertThat(queries.savings(Grouping.MONTH, practice, null, null, null)).containsExactly(
                new SummaryRow(previousMonth.toString(), previousLabel, 2227, 0, 1),
                new SummaryRow(thisMonth.toString(), label(thisMonth), 850, 0, 1));
        // a range ending on the month's last day (whole month, and the last day alone) leaves the next day out
        for (LocalDate from : List.of(previousMonth.atDay(1), monthEnd)) {
            assertThat(queries.waste(Grouping.CATEGORY, practice, null, from, monthEnd)).as("from " + from)
                    .containsExactly(new SummaryRow("STOPPED_WITH_SUPPLY", "Stopped with supply on hand", 122, 20, 1));
            assertThat(queries.savings(Grouping.REASON, practice, null, from, monthEnd)).as("from " + from)
                    .containsExactly(new SummaryRow("HIGH_RISK", "High risk", 2227, 0, 1));
        }
        assertThat(queries.waste(Grouping.CATEGORY, practice, null, day1, day1)).containsExactly(
                new SummaryRow("SWITCHED_WITH_SUPPLY", "Switched with supply on hand", 119, 22, 1));
        assertThat(queries.savings(Grouping.REASON, practice, null, day1, null)).containsExactly(
                new SummaryRow("FORMULARY", "Formulary", 850, 0, 1));
    }

    @Test
    void aPastMonthsMeasureAnswersFromItsMonthEndSnapshot() {
        // PINCER_GI_P3A (NSAID, 65+, no gastroprotection; at risk: 65+ without it): a on naproxen, b on nothing: 1/2
        Rule p3a = rule("PINCER_GI_P3A");
        YearMonth previousMonth = thisMonth.minusMonths(1);
        String a = register(70);
        start(a, NAPROXEN_500, 1, today.minusDays(3));
        register(72);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(measured(p3a, thisMonth)).isEqualTo(List.of(1, 2)));
        assertThat(measured(p3a, previousMonth)).as("no snapshot of the month yet").isEmpty();

        // The first day of this month starts: today's state becomes the previous month's month-end snapshot.
        day.start(day1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(measured(p3a, previousMonth)).isEqualTo(List.of(1, 2)));

        // Today's state moves on: a gets a PPI (leaves the population), c (80) joins it: 0/2 today.
        start(a, OMEPRAZOLE_20, 1, today);
        register(80);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(measured(p3a, thisMonth)).isEqualTo(List.of(0, 2)));
        assertThat(queries.practiceMetrics(practice, thisMonth).registeredPatients()).isEqualTo(3);
        // the past month still answers as it stood at its end
        assertThat(measured(p3a, previousMonth)).isEqualTo(List.of(1, 2));
        MeasureResult.Practice past = queries.measure(p3a, previousMonth, null).practices().stream()
                .filter(p -> p.practice().equals(practice)).findFirst().orElseThrow();
        assertThat(past.value()).isEqualTo(0.5);
        assertThat(queries.practiceMetrics(practice, previousMonth).registeredPatients()).isEqualTo(2);
        assertThat(measured(p3a, thisMonth.plusMonths(1))).as("a month to come has no state").isEmpty();
    }

    /** The practice's numerator and denominator for the rule in the month; empty when the practice is not listed. */
    private List<Integer> measured(Rule rule, YearMonth month) {
        return queries.measure(rule, month, null).practices().stream().filter(p -> p.practice().equals(practice))
                .findFirst().map(p -> List.of(p.numerator(), p.denominator())).orElse(List.of());
    }

    private static String label(YearMonth month) {
        return month.getMonth().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.UK) + " "
               + month.getYear();
    }

    private Rule rule(String code) {
        return rules.find(code).orElseThrow();
    }

    private String register(int age) {
        String id = "outcomes-" + java.util.UUID.randomUUID();
        send(new RegimenCommands.RegisterPatient(id, practice, "U" + practice.substring(1), today.minusYears(age)
                .minusDays(10), Sex.FEMALE, false, Frailty.NONE));
        return id;
    }

    private String start(String patient, String code, double dosesPerDay, LocalDate on) {
        return this.<Recorded>send(new RegimenCommands.StartMedicine(patient, code, 1, dosesPerDay, on, null, null))
                   .lineId();
    }

    private <R> R send(Object command) {
        return commands.sendAndWait(command);
    }
}
