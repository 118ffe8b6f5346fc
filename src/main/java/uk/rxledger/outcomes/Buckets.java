package uk.rxledger.outcomes;

import org.bson.Document;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * The population buckets, each one document keyed for direct lookup ({@code _id $in} over the practices and periods a
 * query asks for):
 * <ul>
 *   <li>{@code S|practice}: the practice's state today (registered patients, polypharmacy, ACB, SMR eligibility, open
 *   safety alerts, and per rule the measure's numerator {@code rules.CODE.n} and denominator {@code rules.CODE.d});</li>
 *   <li>{@code M|practice|yyyy-MM}: activity within a calendar month by business date, the month's waste and
 *   savings, and their rows per day, product and category or reason ({@code wasteRows.dd|code|CATEGORY},
 *   {@code savingsRows.dd|code|REASON}, each with {@code pence}, {@code milliUnits}, {@code count}): what a summary
 *   reads for a month its {@code from}..{@code to} covers in part;</li>
 *   <li>{@code Y|practice|yyyy}: waste and savings per month and dimension ({@code waste.yyyy-MM.all},
 *   {@code waste.yyyy-MM.medicine.code}, {@code waste.yyyy-MM.category.CATEGORY}; {@code savings...reason.REASON}):
 *   what a summary reads for the months it covers whole, one dimension at a time.</li>
 * </ul>
 */
public final class Buckets {

    static final String STATE = "S";
    static final String MONTH = "M";
    static final String YEAR = "Y";
    /** Separates the parts of bucket ids and of row keys; ODS codes, BNF codes, dates and enum names never hold it. */
    static final String SEPARATOR = "|";

    private Buckets() {
    }

    static String state(String practice) {
        return STATE + SEPARATOR + practice;
    }

    static String month(String practice, YearMonth month) {
        return MONTH + SEPARATOR + practice + SEPARATOR + month;
    }

    static String month(String practice, LocalDate date) {
        return month(practice, YearMonth.from(date));
    }

    static String year(String practice, int year) {
        return YEAR + SEPARATOR + practice + SEPARATOR + year;
    }

    /** The fields a bucket carries besides its figures: what it is, for whom, for when. */
    static Document describe(String bucketId) {
        String[] parts = bucketId.split("\\" + SEPARATOR);
        Document fields = new Document("kind", parts[0]).append("practice", parts[1]);
        if (parts.length > 2) {
            fields.append("period", parts[2]);
        }
        return fields;
    }

    static String row(String... parts) {
        return String.join(SEPARATOR, parts);
    }
}
