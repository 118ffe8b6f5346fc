package uk.rxledger.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.time.LocalDate;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict {@code Date} scalar: exactly the ISO-8601 dates that exist (the HTTP cases are in RegimenEndToEndTest). */
class StrictDateTest {

    @SuppressWarnings("unchecked")
    private static final Coercing<LocalDate, String> COERCING =
            (Coercing<LocalDate, String>) StrictDate.SCALAR.getCoercing();
    private static final GraphQLContext CONTEXT = GraphQLContext.getDefault();

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2024-02-29, 2024, 2, 29", "2026-03-01, 2026, 3, 1", "2026-12-31, 2026, 12, 31",
                "2000-02-29, 2000, 2, 29", "0001-01-01, 1, 1, 1"})
    void acceptsDatesThatExist(String text, int year, int month, int day) {
        LocalDate expected = LocalDate.of(year, month, day);
        assertThat(COERCING.parseValue(text, CONTEXT, Locale.ROOT)).isEqualTo(expected);
        assertThat(COERCING.parseLiteral(new StringValue(text), CoercedVariables.emptyVariables(), CONTEXT,
                                         Locale.ROOT)).isEqualTo(expected);
        assertThat(COERCING.serialize(expected, CONTEXT, Locale.ROOT)).isEqualTo(text);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
                            "2026-01-00", "2026-1-05", "2026-01-5", "26-01-05", "2026/01/05", "20260105",
                            "2026-01-05T00:00", " 2026-01-05", "not-a-date", ""})
    void rejectsAnythingElse(String text) {
        assertThatThrownBy(() -> COERCING.parseValue(text, CONTEXT, Locale.ROOT))
                .isInstanceOf(CoercingParseValueException.class);
        assertThatThrownBy(() -> COERCING.parseLiteral(new StringValue(text), CoercedVariables.emptyVariables(),
                                                       CONTEXT, Locale.ROOT))
                .isInstanceOf(CoercingParseLiteralException.class);
    }

    @Test
    void rejectsNonStrings() {
        assertThatThrownBy(() -> COERCING.parseValue(20260105, CONTEXT, Locale.ROOT))
                .isInstanceOf(CoercingParseValueException.class);
        assertThatThrownBy(() -> COERCING.parseLiteral(new IntValue(BigInteger.valueOf(20260105)),
                                                       CoercedVariables.emptyVariables(), CONTEXT, Locale.ROOT))
                .isInstanceOf(CoercingParseLiteralException.class);
    }
}
