package uk.rxledger.outcomes;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import org.bson.Document;
import org.springframework.stereotype.Component;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.decisionsupport.rules.Rule;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.waste.WasteCategory;

import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Population queries over the buckets: every read is an {@code _id $in} over the practices and periods asked for,
 * starting from the small directory of practices (with their PCN) and years.
 */
@Component
public class OutcomeQueries {

    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final String NO_PCN = "NONE";

    private final MongoCollection<Document> totals;
    private final MongoCollection<Document> snapshots;
    private final MongoCollection<Document> directory;
    private final Catalogue catalogue;
    private final Clock clock;

    public OutcomeQueries(MongoDatabase database, Catalogue catalogue, Clock clock) {
        this.totals = database.getCollection(OutcomesProjection.TOTALS);
        this.snapshots = database.getCollection(OutcomesProjection.SNAPSHOTS);
        this.directory = database.getCollection(OutcomesProjection.DIRECTORY);
        this.catalogue = catalogue;
        this.clock = clock;
    }

    /** Practices (ODS code → PCN code, null without one) and the years that have waste or savings. */
    record Directory(Map<String, String> practices, TreeSet<Integer> years) {
    }

    static String snapshotId(String practice, YearMonth month) {
        return practice + Buckets.SEPARATOR + month;
    }

    /** "2026-03"; anything else (e.g. "2026-13") is a BAD_REQUEST. */
    public static YearMonth month(String text) {
        if (text == null || !MONTH.matcher(text).matches()) {
            throw new BadRequest("month must be a calendar month such as 2026-03 (was " + text + ")");
        }
        try {
            return YearMonth.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequest("month must be a calendar month such as 2026-03 (was " + text + ")");
        }
    }

    static String code(String odsCode) {
        return odsCode == null || odsCode.isBlank() ? null : odsCode.strip().toUpperCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ practice metrics

    public PracticeMetrics practiceMetrics(String practiceCode, YearMonth month) {
        String practice = code(practiceCode);
        if (practice == null) {
            throw new BadRequest("practice must be an ODS code");
        }
        Document state = states(List.of(practice), month).getOrDefault(practice, new Document());
        Document activity = totals.find(Filters.eq("_id", Buckets.month(practice, month))).first();
        Document a = activity == null ? new Document() : activity;
        int checks = count(a, "adherenceChecks");
        int accepted = count(a, "alertsAccepted");
        int declined = count(a, "alertsDeclined");
        return new PracticeMetrics(practice, month.toString(), count(state, "registered"),
                count(state, "tenOrMoreMedicines"), count(state, "acbThreeOrMore"), count(state, "smrEligible"),
                count(a, "reviewsCompleted"), count(a, "medicinesStarted"), count(a, "switches"),
                count(a, "deprescribings"), checks, share(count(a, "adherentChecks"), checks),
                count(state, "openSafetyAlerts"), accepted, declined, share(accepted, accepted + declined),
                number(a, "wastePence"), number(a, "annualSavingsPence"));
    }

    // ------------------------------------------------------------------ measures

    /** Percentiles and deciles are national; {@code pcn} only narrows the practices listed. */
    public MeasureResult measure(Rule rule, YearMonth month, String pcnCode) {
        String pcn = code(pcnCode);
        Directory known = directory();
        Map<String, Document> states = states(known.practices().keySet(), month);
        List<MeasureResult.Practice> all = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Map.Entry<String, Document> entry : new TreeMap<>(states).entrySet()) {
            Document rules = entry.getValue().get("rules", Document.class);
            Document figures = rules == null ? null : rules.get(rule.code(), Document.class);
            int denominator = figures == null ? 0 : count(figures, "d");
            int numerator = figures == null ? 0 : count(figures, "n");
            Double value = denominator == 0 ? null : (double) numerator / denominator;
            if (value != null) {
                values.add(value);
            }
            all.add(new MeasureResult.Practice(entry.getKey(), numerator, denominator, value, null));
        }
        List<MeasureResult.Practice> listed = all.stream()
                .filter(p -> pcn == null || pcn.equals(known.practices().get(p.practice())))
                .map(p -> new MeasureResult.Practice(p.practice(), p.numerator(), p.denominator(), p.value(),
                        p.value() == null ? null : Percentiles.percentRank(values, p.value())))
                .toList();
        return new MeasureResult(rule.code(), rule.title(), true, listed, Percentiles.deciles(values));
    }

    // ------------------------------------------------------------------ summaries

    /** Waste grouped by practice, PCN, product, category or month. */
    public List<SummaryRow> waste(Grouping groupBy, String practice, String pcn, LocalDate from, LocalDate to) {
        if (groupBy == Grouping.REASON) {
            throw new BadRequest("waste is grouped by CATEGORY, not REASON");
        }
        return summary("waste", "category", groupBy, practice, pcn, from, to);
    }

    /** Annual savings grouped by practice, PCN, product stopped, reason or month. */
    public List<SummaryRow> savings(Grouping groupBy, String practice, String pcn, LocalDate from, LocalDate to) {
        if (groupBy == Grouping.CATEGORY) {
            throw new BadRequest("savings are grouped by REASON, not CATEGORY");
        }
        return summary("savings", "reason", groupBy, practice, pcn, from, to);
    }

    /**
     * Sums the entries dated within from..to of the practices in scope, by group. A month the range covers whole is
     * read from the practice's year bucket, one dimension only ({@code all}, {@code medicine} or the category or
     * reason); a month it covers in part (at most two) from the month bucket's rows per day.
     */
    private List<SummaryRow> summary(String kind, String dimension, Grouping groupBy, String practiceCode,
                                     String pcnCode, LocalDate from, LocalDate to) {
        if (from != null && to != null && from.isAfter(to)) {
            throw new BadRequest("from must not be after to");
        }
        String practice = code(practiceCode);
        String pcn = code(pcnCode);
        Directory known = directory();
        List<String> practices = known.practices().keySet().stream()
                .filter(p -> practice == null || p.equals(practice))
                .filter(p -> pcn == null || pcn.equals(known.practices().get(p))).toList();
        if (practices.isEmpty() || known.years().isEmpty()) {
            return List.of();
        }
        String cell = switch (groupBy) {
            case MEDICINE -> "medicine";
            case CATEGORY, REASON -> dimension;
            case PRACTICE, PCN, MONTH -> "all";
        };
        YearMonth first = from == null ? YearMonth.of(known.years().first(), 1) : YearMonth.from(from);
        YearMonth last = to == null ? YearMonth.of(known.years().last(), 12) : YearMonth.from(to);
        Map<Integer, List<String>> wholeMonths = new TreeMap<>();
        List<YearMonth> partMonths = new ArrayList<>();
        for (YearMonth month = first; !month.isAfter(last); month = month.plusMonths(1)) {
            if (!known.years().contains(month.getYear())) {
                continue;
            }
            boolean whole = (from == null || !from.isAfter(month.atDay(1)))
                    && (to == null || !to.isBefore(month.atEndOfMonth()));
            if (whole) {
                wholeMonths.computeIfAbsent(month.getYear(), y -> new ArrayList<>(List.of("practice")))
                           .add(kind + "." + month + "." + cell);
            } else {
                partMonths.add(month);
            }
        }
        Map<String, long[]> groups = new TreeMap<>();
        wholeMonths.forEach((year, fields) -> {
            List<String> ids = practices.stream().map(p -> Buckets.year(p, year)).toList();
            for (Document bucket : totals.find(Filters.in("_id", ids)).projection(Projections.include(fields))) {
                Document months = bucket.get(kind, Document.class);
                if (months == null) {
                    continue;
                }
                months.forEach((month, figuresByCell) -> {
                    Document cells = ((Document) figuresByCell).get(cell, Document.class);
                    if (cell.equals("all")) {
                        add(groups, key(groupBy, bucket.getString("practice"), month, null, known), cells);
                    } else if (cells != null) {
                        cells.forEach((part, figures) -> add(groups,
                                key(groupBy, bucket.getString("practice"), month, part, known), (Document) figures));
                    }
                });
            }
        });
        List<String> monthIds = new ArrayList<>();
        partMonths.forEach(month -> practices.forEach(p -> monthIds.add(Buckets.month(p, month))));
        String firstDay = from == null ? "" : from.toString();
        String lastDay = to == null ? "9999" : to.toString();
        if (!monthIds.isEmpty()) {
            for (Document bucket : totals.find(Filters.in("_id", monthIds))
                                         .projection(Projections.include("practice", "period", kind + "Rows"))) {
                Document rows = bucket.get(kind + "Rows", Document.class);
                if (rows == null) {
                    continue;
                }
                String month = bucket.getString("period");
                rows.forEach((row, figures) -> {
                    String[] parts = row.split("\\" + Buckets.SEPARATOR); // day, product, category or reason
                    String day = month + "-" + parts[0];
                    if (day.compareTo(firstDay) >= 0 && day.compareTo(lastDay) <= 0) {
                        String part = groupBy == Grouping.MEDICINE ? parts[1] : parts[2];
                        add(groups, key(groupBy, bucket.getString("practice"), month, part, known), (Document) figures);
                    }
                });
            }
        }
        List<SummaryRow> result = new ArrayList<>();
        groups.forEach((key, sums) -> {
            if (sums[2] > 0) {
                result.add(new SummaryRow(key, label(groupBy, key), sums[0], sums[1] / Contributions.MILLI,
                                          (int) sums[2]));
            }
        });
        return result;
    }

    private static void add(Map<String, long[]> groups, String key, Document figures) {
        if (figures == null) {
            return;
        }
        long[] sums = groups.computeIfAbsent(key, k -> new long[Contributions.FIGURES.length]);
        for (int i = 0; i < sums.length; i++) {
            sums[i] += number(figures, Contributions.FIGURES[i]);
        }
    }

    /** The group of an entry of {@code practice} in {@code month}; {@code part} is its product, category or reason. */
    private static String key(Grouping groupBy, String practice, String month, String part, Directory known) {
        return switch (groupBy) {
            case PRACTICE -> practice;
            case PCN -> Objects.requireNonNullElse(known.practices().get(practice), NO_PCN);
            case MONTH -> month;
            case MEDICINE, CATEGORY, REASON -> part;
        };
    }

    private String label(Grouping groupBy, String key) {
        return switch (groupBy) {
            case PRACTICE -> key;
            case PCN -> NO_PCN.equals(key) ? "No PCN" : key;
            case MEDICINE -> catalogue.find(key).map(Medicine::name).orElse(key);
            case CATEGORY -> WasteCategory.valueOf(key).label();
            case REASON -> key.charAt(0) + key.substring(1).toLowerCase(Locale.ROOT).replace('_', ' ');
            case MONTH -> {
                YearMonth month = YearMonth.parse(key);
                yield month.getMonth().getDisplayName(TextStyle.FULL, Locale.UK) + " " + month.getYear();
            }
        };
    }

    // ------------------------------------------------------------------ reading

    Directory directory() {
        Document d = directory.find(Filters.eq("_id", OutcomesProjection.DIRECTORY_ID)).first();
        Map<String, String> practices = new LinkedHashMap<>();
        TreeSet<Integer> years = new TreeSet<>();
        if (d != null) {
            Document p = d.get("practices", Document.class);
            if (p != null) {
                p.forEach((practice, pcn) -> practices.put(practice, (String) pcn));
            }
            Document y = d.get("years", Document.class);
            if (y != null) {
                y.keySet().forEach(year -> years.add(Integer.parseInt(year)));
            }
        }
        return new Directory(practices, years);
    }

    /**
     * The practices' states at the month's end: today's state for the current month, the snapshot taken on the
     * month's last day for a past month, nothing for a month to come.
     */
    private Map<String, Document> states(Collection<String> practices, YearMonth month) {
        YearMonth current = YearMonth.now(clock);
        Map<String, Document> states = new HashMap<>();
        if (month.isAfter(current) || practices.isEmpty()) {
            return states;
        }
        boolean live = month.equals(current);
        List<String> ids = practices.stream().map(p -> live ? Buckets.state(p) : snapshotId(p, month)).toList();
        (live ? totals : snapshots).find(Filters.in("_id", ids))
                .forEach(d -> states.put(d.getString("practice"), d));
        return states;
    }

    private static int count(Document document, String field) {
        return (int) number(document, field);
    }

    private static long number(Document document, String field) {
        Object value = document.get(field);
        return value instanceof Number n ? n.longValue() : 0;
    }

    private static Double share(int part, int whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
