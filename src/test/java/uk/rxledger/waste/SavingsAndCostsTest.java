package uk.rxledger.waste;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.SwitchReason;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.rxledger.waste.Histories.CATALOGUE;
import static uk.rxledger.waste.Histories.CHEAP;
import static uk.rxledger.waste.Histories.DEAR;
import static uk.rxledger.waste.Histories.FREE;
import static uk.rxledger.waste.Histories.PENNY;
import static uk.rxledger.waste.Histories.d;

/** Annual savings, monthly cost and rounding, worked out by hand. */
class SavingsAndCostsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            # case;                                       from; old units/day; to;    new units/day; expected pence a year
            dear to cheap at the same dose;               DEAR;  2;             CHEAP; 2;             5475
            cheap to dear costs more: negative;           CHEAP; 1;             DEAR;  1;             -2738
            to a free product saves the whole old cost;   DEAR;  1;             FREE;  1;             3650
            below a penny: 3 x 0.35p vs 1 x 2.5p;         PENNY; 3;             CHEAP; 1;             -529
            """)
    void aSwitchSavesTheDifferenceInDailyCostTimes365(String name, String from, double oldDaily, String to,
                                                      double newDaily, long expected) {
        Histories h = Histories.patient();
        String line = h.start(code(from), 1, oldDaily, "2026-01-01");
        h.switchTo(line, code(to), 1, newDaily, "2026-02-01", SwitchReason.COST_EFFECTIVENESS, null);
        assertThat(Savings.of(h.view(), CATALOGUE)).containsExactly(new SavingsEntry(
                line, code(from), SavingsKind.SWITCH, "COST_EFFECTIVENESS", expected, d("2026-02-01")));
    }

    @Test
    void aDeprescribingSavesTheDoseInForceOnTheStopDate() {
        Histories h = Histories.patient();
        String line = h.start(DEAR, 1, 1, "2026-01-01");
        h.changeDose(line, 2, 2, "2026-01-10");
        h.deprescribe(line, "2026-02-01", DeprescribeReason.NO_LONGER_INDICATED, null);
        String free = h.start(FREE, 1, 1, "2026-01-01");
        h.deprescribe(free, "2026-02-01", DeprescribeReason.INEFFECTIVE, null);
        // 4 tablets a day x 10p x 365; a free product saves nothing but is still an entry
        assertThat(Savings.of(h.view(), CATALOGUE)).containsExactly(
                new SavingsEntry(line, DEAR, SavingsKind.DEPRESCRIBE, "NO_LONGER_INDICATED", 14600, d("2026-02-01")),
                new SavingsEntry(free, FREE, SavingsKind.DEPRESCRIBE, "INEFFECTIVE", 0, d("2026-02-01")));
        assertThat(Savings.totalPence(Savings.of(h.view(), CATALOGUE))).isEqualTo(14600);
    }

    @Test
    void activeLinesHaveNoSavings() {
        Histories h = Histories.patient();
        h.start(DEAR, 1, 1, "2026-01-01");
        assertThat(Savings.of(h.view(), CATALOGUE)).isEmpty();
    }

    @Test
    void monthlyCostSumsDailyUnitsAtTheDoseInForceTimesPriceTimes30RoundedOnce() {
        Histories h = Histories.patient();
        String a = h.start(PENNY, 1, 1, "2026-01-01");
        h.start(CHEAP, 0.5, 1, "2026-01-01");
        h.changeDose(a, 1, 2, "2026-01-20");
        PatientView view = h.view();
        // before the change: (1 x 0.35 + 0.5 x 2.5) x 30 = 48p; after: (2 x 0.35 + 1.25) x 30 = 58.5p -> 59p
        assertThat(Costs.monthlyPence(view.lines, d("2026-01-19"), CATALOGUE)).isEqualTo(48);
        assertThat(Costs.monthlyPence(view.lines, d("2026-01-20"), CATALOGUE)).isEqualTo(59);
    }

    @ParameterizedTest
    @CsvSource({"28.5, 29", "28.4999, 28", "-28.5, -29", "0.5, 1", "-0.4, 0"})
    void penceRoundToTheNearestPennyHalfAwayFromZero(String amount, long pence) {
        assertThat(Money.pence(new BigDecimal(amount))).isEqualTo(pence);
    }

    @Test
    void decimalArithmeticAvoidsBinaryError() {
        // 14 x 2.05 is 28.699999999999996 in doubles; 3 x 0.835 is 2.5049999999999999
        assertThat(Money.pence(Money.cost(14, 2.05))).isEqualTo(29);
        assertThat(Money.pence(Money.cost(3, 0.835))).isEqualTo(3);
    }

    private static String code(String name) {
        return switch (name) {
            case "DEAR" -> DEAR;
            case "CHEAP" -> CHEAP;
            case "FREE" -> FREE;
            default -> PENNY;
        };
    }
}
