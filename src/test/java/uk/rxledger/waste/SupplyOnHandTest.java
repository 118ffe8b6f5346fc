package uk.rxledger.waste;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.rxledger.waste.Histories.CHEAP;
import static uk.rxledger.waste.Histories.d;

/** Supply on hand = units dispensed on or before the date - units taken from the first dispensing to the day before. */
class SupplyOnHandTest {

    @ParameterizedTest(name = "{0}: {1} on {2}")
    @CsvSource(delimiter = ';', textBlock = """
            # case;                                       history;                                               date;       expected
            no dispensing at all;                         '';                                                    2026-01-20; 0
            on the dispensing date nothing is taken yet;  28@2026-01-01;                                         2026-01-01; 28
            ten days later at 1 a day;                    28@2026-01-01;                                         2026-01-11; 18
            the supply runs out and stays at 0;           28@2026-01-01;                                         2026-03-01; 0
            a dispensing after the date does not count;   28@2026-01-01 28@2026-02-01;                           2026-01-15; 14
            overlapping dispensings add up;               28@2026-01-01 28@2026-01-20;                           2026-01-25; 32
            a week at one a day;                         14@2026-01-01;                                         2026-01-08; 7
            dose doubled from the 11th (10 x 1 + 4 x 2);  28@2026-01-01 dose2@2026-01-11;                        2026-01-15; 10
            dose halved from the 5th (4 x 2 + 6 x 1);     56@2026-01-01 dose1@2026-01-05 start2;                 2026-01-11; 42
            a change on the date itself is not used yet;  28@2026-01-01 dose2@2026-01-11;                        2026-01-11; 18
            later dispensing resets nothing;              28@2026-01-01 28@2026-03-01;                           2026-03-05; 0
            half tablets;                                 10@2026-01-01 half;                                    2026-01-07; 7
            """)
    void supplyOnHand(String name, String history, String date, double expected) {
        Histories h = Histories.patient();
        boolean startsAtTwo = history.contains("start2");
        boolean half = history.contains("half");
        String line = h.start(CHEAP, half ? 0.5 : 1, startsAtTwo ? 2 : 1, "2026-01-01");
        for (String step : history.split(" ")) {
            if (step.startsWith("dose")) {
                h.changeDose(line, 1, Double.parseDouble(step.substring(4, step.indexOf('@'))),
                             step.substring(step.indexOf('@') + 1));
            } else if (step.contains("@")) {
                h.dispense(line, Double.parseDouble(step.substring(0, step.indexOf('@'))),
                           step.substring(step.indexOf('@') + 1));
            }
        }
        assertThat(SupplyOnHand.of(h.view().line(line).orElseThrow(), d(date))).isEqualTo(expected);
    }
}
