package uk.rxledger.regimen;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.rxledger.domain.Rejected;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The stateless input rules, chiefly the NHS-number guard on patient ids.
 * <p>
 * NHS number check digit (modulus 11): multiply the first nine digits by 10, 9, ..., 2 and add them up; the check
 * digit is 11 - (sum mod 11), where 11 becomes 0 and 10 means the nine digits can never form an NHS number.
 */
class RegimenValidationTest {

    static Stream<Arguments> nhsNumbers() {
        return Stream.of(
                // ---- valid check digit: an NHS number
                // 9x10+4x9+3x8+4x7+7x6+6x5+5x4+9x3+1x2 = 90+36+24+28+42+30+20+27+2 = 299; 299 = 27x11+2; 11-2 = 9
                arguments("9434765919", true),
                // 9x10 = 90 = 8x11+2; 11-2 = 9
                arguments("9000000009", true),
                // 4x10+0x9+1x8+0x7+2x6+3x5+2x4+1x3+3x2 = 40+0+8+0+12+15+8+3+6 = 92 = 8x11+4; 11-4 = 7
                arguments("4010232137", true),
                // 4x10+8x9+5x8+7x7+7x6+7x5+3x4+4x3+5x2 = 40+72+40+49+42+35+12+12+10 = 312 = 28x11+4; 11-4 = 7
                arguments("4857773457", true),
                // 90+36+24+28+42+30+20+24+14 = 308 = 28x11+0; 11-0 = 11 -> check digit 0
                arguments("9434765870", true),
                // 1x(10+9+...+2) = 54 = 4x11+10; 11-10 = 1
                arguments("1111111111", true),

                // ---- wrong check digit
                arguments("9434765918", false), // should end in 9
                arguments("9434765910", false), // should end in 9
                arguments("4010232138", false), // should end in 7
                arguments("9434765871", false), // remainder 0 -> should end in 0, not 1
                arguments("9434765879", false), // remainder 0 -> should end in 0, not 9

                // ---- check digit would be 10: no last digit makes these valid
                // 1x10+2x9+3x8+4x7+5x6+6x5+7x4+8x3+9x2 = 210 = 19x11+1; 11-1 = 10
                arguments("1234567890", false),
                arguments("1234567891", false),
                arguments("1234567899", false),
                // 1x10 + 1x2 = 12 = 11+1; 11-1 = 10
                arguments("1000000010", false),
                arguments("1000000011", false),

                // ---- not ten ASCII digits
                arguments("943476591", false),     // 9 digits
                arguments("94347659190", false),   // 11 digits
                arguments("09434765919", false),   // valid number behind a leading 0: 11 digits
                arguments("943 476 5919", true),   // spaced: still an NHS number
                arguments("943-476-5919", true),   // dashed: still an NHS number
                arguments("943-476-5918", false),  // dashed, wrong check digit
                arguments("943476591X", false),    // letter
                arguments("", false),
                arguments("\uFF19\uFF14\uFF13\uFF14\uFF17\uFF16\uFF15\uFF19\uFF11\uFF19", false)); // full-width 9434765919
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @MethodSource("nhsNumbers")
    void recognisesNhsNumbersByTheirModulus11CheckDigit(String id, boolean expected) {
        assertThat(RegimenValidation.isNhsNumber(id)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "prefix {0}")
    @ValueSource(strings = {"123456789", "100000001", "111111112"})
    void noLastDigitCompletesAPrefixWhoseCheckDigitIs10(String prefix) {
        // 111111112: 54 - 2 + 2x2 = 56 = 5x11+1; 11-1 = 10 (the other two are worked out above)
        for (char last = '0'; last <= '9'; last++) {
            assertThat(RegimenValidation.isNhsNumber(prefix + last)).as(prefix + last).isFalse();
        }
    }

    @ParameterizedTest(name = "prefix {0}")
    @ValueSource(strings = {"943476591", "401023213", "943476587"})
    void exactlyOneLastDigitCompletesAPrefixWithAValidCheckDigit(String prefix) {
        long valid = "0123456789".chars().filter(c -> RegimenValidation.isNhsNumber(prefix + (char) c)).count();
        assertThat(valid).isEqualTo(1);
    }

    // ------------------------------------------------------------------ other rules

    static Stream<Arguments> defaultUnits() {
        return Stream.of(
                arguments(ObservationKind.EGFR, "mL/min/1.73m2"),
                arguments(ObservationKind.POTASSIUM, "mmol/L"),
                arguments(ObservationKind.LITHIUM_LEVEL, "mmol/L"),
                arguments(ObservationKind.SYSTOLIC_BP, "mmHg"),
                arguments(ObservationKind.HBA1C, "mmol/mol"),
                arguments(ObservationKind.FULL_BLOOD_COUNT, null),
                arguments(ObservationKind.THYROID_FUNCTION_TEST, null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("defaultUnits")
    void defaultUnitOfAnObservationKind(ObservationKind kind, String unit) {
        assertThat(RegimenValidation.defaultUnit(kind)).isEqualTo(unit);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ObservationKind.class)
    void everyNumericKindHasADefaultUnitAndNoTestKindHasOne(ObservationKind kind) {
        assertThat(RegimenValidation.defaultUnit(kind) != null).isEqualTo(kind.numeric());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(doubles = {0.0, -1.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY})
    void requirePositiveRejects(double value) {
        assertThatThrownBy(() -> RegimenValidation.requirePositive("quantity", value))
                .isInstanceOfSatisfying(Rejected.class, r -> {
                    assertThat(r.code()).isEqualTo("INVALID_QUANTITY");
                    assertThat(r.field()).isEqualTo("quantity");
                });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(doubles = {-0.001, Double.NaN, Double.NEGATIVE_INFINITY})
    void requireNonNegativeRejects(double value) {
        assertThatThrownBy(() -> RegimenValidation.requireNonNegative("unusedQuantity", value))
                .isInstanceOfSatisfying(Rejected.class, r -> {
                    assertThat(r.code()).isEqualTo("INVALID_QUANTITY");
                    assertThat(r.field()).isEqualTo("unusedQuantity");
                });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"line\u0000break", "bell\u0007", "esc\u001B[31m", "del\u007F"})
    void textRejectsControlCharacters(String value) {
        assertThatThrownBy(() -> RegimenValidation.text("notes", value))
                .isInstanceOfSatisfying(Rejected.class, r -> {
                    assertThat(r.code()).isEqualTo("INVALID_TEXT");
                    assertThat(r.field()).isEqualTo("notes");
                });
    }
}
