package uk.rxledger.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * The contract's {@code Date}: an ISO-8601 calendar date ({@code 2026-03-01}), parsed strictly. The extended-scalars
 * {@code Date} parses with {@code yyyy-MM-dd} in the SMART resolver style, which turns {@code 2026-02-30} into
 * 2026-02-28 without a word; here an impossible date is a coercion error, which graphql-java reports (and ADR 0004
 * classifies) as a BAD_REQUEST, for an inline literal and for a variable alike.
 */
public final class StrictDate {

    /** {@code uuuu} (proleptic year), not {@code yyyy} (year of era, which STRICT cannot resolve without an era). */
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
                                                             .withResolverStyle(ResolverStyle.STRICT);

    public static final GraphQLScalarType SCALAR = GraphQLScalarType.newScalar()
            .name("Date")
            .description("An ISO-8601 calendar date, yyyy-MM-dd (2026-03-01); impossible dates are rejected")
            .coercing(new DateCoercing())
            .build();

    private StrictDate() {
    }

    /** The date, or null where the text is not an ISO-8601 date that exists. */
    static LocalDate parse(String text) {
        try {
            return LocalDate.parse(text, FORMAT);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static final class DateCoercing implements Coercing<LocalDate, String> {

        @Override
        public String serialize(Object value, GraphQLContext context, Locale locale) {
            if (value instanceof TemporalAccessor temporal) {
                try {
                    return FORMAT.format(temporal);
                } catch (DateTimeException e) {
                    throw new CoercingSerializeException("Not a date: " + value.getClass().getSimpleName());
                }
            }
            if (value instanceof String text && parse(text) != null) {
                return text;
            }
            throw new CoercingSerializeException("Not a date: " + typeOf(value));
        }

        @Override
        public LocalDate parseValue(Object input, GraphQLContext context, Locale locale) {
            if (input instanceof LocalDate date) {
                return date;
            }
            if (input instanceof String text) {
                LocalDate date = parse(text);
                if (date != null) {
                    return date;
                }
                throw new CoercingParseValueException("Invalid Date '" + text + "': expected an ISO-8601 date "
                                                      + "that exists, yyyy-MM-dd");
            }
            throw new CoercingParseValueException("Invalid Date: expected a string, got " + typeOf(input));
        }

        @Override
        public LocalDate parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context,
                                      Locale locale) {
            if (input instanceof StringValue string) {
                LocalDate date = parse(string.getValue());
                if (date != null) {
                    return date;
                }
                throw new CoercingParseLiteralException("Invalid Date '" + string.getValue() + "': expected an "
                                                        + "ISO-8601 date that exists, yyyy-MM-dd");
            }
            throw new CoercingParseLiteralException("Invalid Date: expected a string literal");
        }

        @Override
        public Value<?> valueToLiteral(Object input, GraphQLContext context, Locale locale) {
            return StringValue.newStringValue(serialize(input, context, locale)).build();
        }

        private static String typeOf(Object value) {
            return value == null ? "null" : value.getClass().getSimpleName();
        }
    }
}
