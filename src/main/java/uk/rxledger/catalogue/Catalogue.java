package uk.rxledger.catalogue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Immutable, thread-safe reference catalogue of UK primary-care medicines, read from a CSV file
 * (by default {@code /catalogue/medicines.csv} on the classpath; see the README beside it).
 *
 * <p>Plain Java on purpose: no framework annotations, no dependencies beyond the JDK. All state is
 * built once in the constructor and held in unmodifiable collections, so one instance may be
 * shared freely between threads.
 */
public final class Catalogue {

    /** Classpath location of the catalogue shipped with the application. */
    public static final String DEFAULT_RESOURCE = "/catalogue/medicines.csv";

    /** The exact header line the CSV must start with. */
    public static final List<String> HEADER = List.of(
            "code", "name", "strength", "strength_mg", "form", "unit", "bnf_chemical_code",
            "drug_class", "acb_score", "price_pence_per_unit", "formulary_alternative");

    private static final Pattern CODE = Pattern.compile("[0-9A-Z]{15}");
    private static final Pattern DRUG_CLASS = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private static final Comparator<Medicine> BY_NAME_THEN_CODE = Comparator
            .comparing((Medicine m) -> m.name().toLowerCase(Locale.ROOT))
            .thenComparing(Medicine::code);

    private final List<Medicine> medicines;
    private final List<String> haystacks;
    private final List<Medicine> sortedByName;
    private final Map<String, Medicine> byCode;
    private final Map<String, List<Medicine>> byClass;
    private final Set<String> drugClasses;

    private Catalogue(List<Medicine> medicines) {
        this.medicines = List.copyOf(medicines);
        List<String> hay = new ArrayList<>(medicines.size());
        Map<String, Medicine> codes = new HashMap<>();
        Map<String, List<Medicine>> classes = new LinkedHashMap<>();
        for (Medicine m : this.medicines) {
            hay.add((m.name() + " " + m.strength() + " " + m.form()).toLowerCase(Locale.ROOT));
            codes.put(m.code(), m);
            classes.computeIfAbsent(m.drugClass(), k -> new ArrayList<>()).add(m);
        }
        this.haystacks = List.copyOf(hay);
        this.byCode = Map.copyOf(codes);
        Map<String, List<Medicine>> frozen = new HashMap<>();
        classes.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        this.byClass = Map.copyOf(frozen);
        this.drugClasses = Collections.unmodifiableSortedSet(new TreeSet<>(classes.keySet()));
        List<Medicine> sorted = new ArrayList<>(this.medicines);
        sorted.sort(BY_NAME_THEN_CODE);
        this.sortedByName = List.copyOf(sorted);
    }

    // ------------------------------------------------------------------ loading

    /**
     * Reads the catalogue shipped on the classpath at {@link #DEFAULT_RESOURCE}.
     *
     * @throws IllegalStateException    if the resource is missing
     * @throws IllegalArgumentException if the file is malformed (message names the line)
     */
    public static Catalogue loadDefault() {
        InputStream in = Catalogue.class.getResourceAsStream(DEFAULT_RESOURCE);
        if (in == null) {
            throw new IllegalStateException("catalogue resource not found on classpath: " + DEFAULT_RESOURCE);
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * Parses and validates a catalogue in the CSV format described in the README (RFC 4180 quoting:
     * fields containing commas, quotes or line breaks are enclosed in double quotes, and a double
     * quote inside such a field is written twice). Completely empty lines are ignored; a UTF-8 byte
     * order mark is tolerated. The reader is read to the end but not closed.
     *
     * @throws IllegalArgumentException naming the (1-based) line for: a wrong header, a wrong column
     *         count, a duplicate code, a bnf_chemical_code that is not the first 9 characters of the
     *         code, an acb_score outside 0..3, a negative price, a formulary_alternative that is not in
     *         the file, an alternative that itself has an alternative, an alternative of the same
     *         strength whose price per unit is not lower, and other malformed values
     * @throws UncheckedIOException     if the reader fails
     */
    public static Catalogue parse(Reader reader) {
        Objects.requireNonNull(reader, "reader");
        List<CsvRecord> records = CsvRecord.readAll(reader);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("line 1: missing header, expected " + String.join(",", HEADER));
        }
        CsvRecord header = records.get(0);
        if (!header.fields().equals(HEADER)) {
            throw new IllegalArgumentException("line " + header.line() + ": wrong header, expected '"
                    + String.join(",", HEADER) + "' but found '" + String.join(",", header.fields()) + "'");
        }

        List<Medicine> medicines = new ArrayList<>();
        Map<String, Integer> lineOfCode = new HashMap<>();
        for (CsvRecord record : records.subList(1, records.size())) {
            Medicine m = toMedicine(record);
            Integer firstLine = lineOfCode.putIfAbsent(m.code(), record.line());
            if (firstLine != null) {
                throw error(record.line(), "duplicate code " + m.code() + " (first seen on line " + firstLine + ")");
            }
            medicines.add(m);
        }

        Map<String, Medicine> byCode = new HashMap<>();
        medicines.forEach(m -> byCode.put(m.code(), m));
        for (Medicine m : medicines) {
            String altCode = m.formularyAlternativeCode();
            if (altCode == null) {
                continue;
            }
            int line = lineOfCode.get(m.code());
            Medicine alt = byCode.get(altCode);
            if (alt == null) {
                throw error(line, "formulary_alternative " + altCode + " of " + m.code() + " is not a code in the file");
            }
            if (alt.formularyAlternativeCode() != null) {
                throw error(line, "formulary_alternative " + altCode + " of " + m.code()
                        + " itself has a formulary_alternative (" + alt.formularyAlternativeCode()
                        + "); chains are not allowed");
            }
            if (sameStrength(m, alt) && !(alt.pricePerUnitPence() < m.pricePerUnitPence())) {
                throw error(line, "formulary_alternative " + altCode + " (" + alt.pricePerUnitPence()
                        + "p per unit) is not cheaper than " + m.code() + " (" + m.pricePerUnitPence()
                        + "p per unit) at the same strength");
            }
        }
        return new Catalogue(medicines);
    }

    private static Medicine toMedicine(CsvRecord record) {
        int line = record.line();
        List<String> f = record.fields();
        if (f.size() != HEADER.size()) {
            throw error(line, "expected " + HEADER.size() + " columns but found " + f.size());
        }
        String code = f.get(0).trim();
        if (!CODE.matcher(code).matches()) {
            throw error(line, "code '" + code + "' is not a 15-character BNF presentation code");
        }
        String name = required(line, "name", f.get(1));
        String strength = required(line, "strength", f.get(2));
        Double strengthMg = optionalPositiveNumber(line, f.get(3));
        String form = required(line, "form", f.get(4));
        String unit = required(line, "unit", f.get(5));
        String chemical = f.get(6).trim();
        if (!chemical.equals(code.substring(0, 9))) {
            throw error(line, "bnf_chemical_code '" + chemical + "' is not the first 9 characters of code " + code);
        }
        String drugClass = f.get(7).trim();
        if (!DRUG_CLASS.matcher(drugClass).matches()) {
            throw error(line, "drug_class '" + drugClass + "' is not an UPPER_SNAKE_CASE class name");
        }
        int acb;
        try {
            acb = Integer.parseInt(f.get(8).trim());
        } catch (NumberFormatException e) {
            throw error(line, "acb_score '" + f.get(8) + "' is not an integer");
        }
        if (acb < 0 || acb > 3) {
            throw error(line, "acb_score " + acb + " is outside 0..3");
        }
        double price = number(line, "price_pence_per_unit", f.get(9));
        if (price < 0) {
            throw error(line, "negative price_pence_per_unit " + f.get(9).trim());
        }
        String alt = f.get(10).trim();
        if (alt.isEmpty()) {
            alt = null;
        } else if (alt.equals(code)) {
            throw error(line, "formulary_alternative of " + code + " refers to the product itself");
        }
        return new Medicine(code, name, strength, strengthMg, form, unit, chemical, drugClass, acb, price, alt);
    }

    private static boolean sameStrength(Medicine a, Medicine b) {
        return normalise(a.strength()).equals(normalise(b.strength()));
    }

    private static String normalise(String s) {
        return WHITESPACE.matcher(s.trim()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    private static String required(int line, String column, String value) {
        String v = value.trim();
        if (v.isEmpty()) {
            throw error(line, column + " is empty");
        }
        return v;
    }

    private static double number(int line, String column, String value) {
        String v = value.trim();
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw error(line, column + " '" + value + "' is not a number");
        }
        if (!Double.isFinite(d)) {
            throw error(line, column + " '" + value + "' is not a finite number");
        }
        return d;
    }

    private static Double optionalPositiveNumber(int line, String value) {
        if (value.trim().isEmpty()) {
            return null;
        }
        double d = number(line, "strength_mg", value);
        if (d <= 0) {
            throw error(line, "strength_mg " + value.trim() + " is not positive");
        }
        return d;
    }

    private static IllegalArgumentException error(int line, String message) {
        return new IllegalArgumentException("line " + line + ": " + message);
    }

    // ------------------------------------------------------------------ look-ups

    /** The product with this BNF presentation code; empty for {@code null} or an unknown code. */
    public Optional<Medicine> find(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(byCode.get(code.trim()));
    }

    /** All products, in file order. */
    public List<Medicine> all() {
        return medicines;
    }

    /** Number of products. */
    public int size() {
        return medicines.size();
    }

    /**
     * Case-insensitive search. The query is split on whitespace and every word must occur as a
     * substring of {@code name + " " + strength + " " + form}. A blank (or {@code null}) query returns
     * every product.
     *
     * <p>Order: by name (case-insensitive), then code — except that products in which every query
     * word starts a word (e.g. "omeprazole" in "Omeprazole 20 mg ...") come before products that only
     * contain a query word inside a longer word (e.g. "omeprazole" inside "Esomeprazole"). Without that
     * tier, {@code search("omeprazole 20")} would list esomeprazole first.
     */
    public List<Medicine> search(String query) {
        if (query == null || query.isBlank()) {
            return sortedByName;
        }
        String[] words = WHITESPACE.split(query.trim().toLowerCase(Locale.ROOT));
        List<Medicine> wordStart = new ArrayList<>();
        List<Medicine> inside = new ArrayList<>();
        for (int i = 0; i < medicines.size(); i++) {
            String hay = haystacks.get(i);
            boolean all = true;
            boolean allAtWordStart = true;
            for (String w : words) {
                if (!hay.contains(w)) {
                    all = false;
                    break;
                }
                if (allAtWordStart && !occursAtWordStart(hay, w)) {
                    allAtWordStart = false;
                }
            }
            if (all) {
                (allAtWordStart ? wordStart : inside).add(medicines.get(i));
            }
        }
        wordStart.sort(BY_NAME_THEN_CODE);
        inside.sort(BY_NAME_THEN_CODE);
        List<Medicine> result = new ArrayList<>(wordStart.size() + inside.size());
        result.addAll(wordStart);
        result.addAll(inside);
        return Collections.unmodifiableList(result);
    }

    private static boolean occursAtWordStart(String hay, String word) {
        for (int i = hay.indexOf(word); i >= 0; i = hay.indexOf(word, i + 1)) {
            if (i == 0 || !Character.isLetterOrDigit(hay.charAt(i - 1))) {
                return true;
            }
        }
        return false;
    }

    /** The cheaper formulary-preferred equivalent of {@code medicine}, if it has one. */
    public Optional<Medicine> formularyAlternative(Medicine medicine) {
        if (medicine == null || medicine.formularyAlternativeCode() == null) {
            return Optional.empty();
        }
        return find(medicine.formularyAlternativeCode());
    }

    /** Products of one drug class (case-insensitive), in file order; empty for unknown or {@code null}. */
    public List<Medicine> byDrugClass(String drugClass) {
        if (drugClass == null) {
            return List.of();
        }
        return byClass.getOrDefault(drugClass.trim().toUpperCase(Locale.ROOT), List.of());
    }

    /** Every drug class present, sorted alphabetically. */
    public Set<String> drugClasses() {
        return drugClasses;
    }

    @Override
    public String toString() {
        return "Catalogue[" + medicines.size() + " medicines, " + drugClasses.size() + " drug classes]";
    }

    // ------------------------------------------------------------------ CSV

    /** One CSV record and the (1-based) line on which it starts. */
    private record CsvRecord(int line, List<String> fields) {

        static List<CsvRecord> readAll(Reader reader) {
            String text = slurp(reader);
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            List<CsvRecord> out = new ArrayList<>();
            int n = text.length();
            int pos = 0;
            int line = 1;
            while (pos < n) {
                int recordLine = line;
                List<String> fields = new ArrayList<>();
                StringBuilder field = new StringBuilder();
                boolean endOfRecord = false;
                while (!endOfRecord) {
                    if (pos < n && text.charAt(pos) == '"') {
                        pos++;
                        int quoteLine = line;
                        while (true) {
                            if (pos >= n) {
                                throw new IllegalArgumentException("line " + quoteLine
                                        + ": unterminated quoted field");
                            }
                            char c = text.charAt(pos++);
                            if (c == '"') {
                                if (pos < n && text.charAt(pos) == '"') {
                                    field.append('"');
                                    pos++;
                                } else {
                                    break;
                                }
                            } else {
                                if (c == '\n' || (c == '\r' && (pos >= n || text.charAt(pos) != '\n'))) {
                                    line++;
                                }
                                field.append(c);
                            }
                        }
                        if (pos < n && text.charAt(pos) != ',' && text.charAt(pos) != '\n'
                                && text.charAt(pos) != '\r') {
                            throw new IllegalArgumentException("line " + line
                                    + ": unexpected character after closing quote");
                        }
                    } else {
                        while (pos < n) {
                            char c = text.charAt(pos);
                            if (c == ',' || c == '\n' || c == '\r') {
                                break;
                            }
                            if (c == '"') {
                                throw new IllegalArgumentException("line " + line
                                        + ": quote inside an unquoted field");
                            }
                            field.append(c);
                            pos++;
                        }
                    }
                    fields.add(field.toString());
                    field.setLength(0);
                    if (pos >= n) {
                        endOfRecord = true;
                    } else {
                        char c = text.charAt(pos++);
                        if (c == ',') {
                            continue;
                        }
                        if (c == '\r' && pos < n && text.charAt(pos) == '\n') {
                            pos++;
                        }
                        line++;
                        endOfRecord = true;
                    }
                }
                boolean blankLine = fields.size() == 1 && fields.get(0).isEmpty();
                if (!blankLine) {
                    out.add(new CsvRecord(recordLine, List.copyOf(fields)));
                }
            }
            return out;
        }

        private static String slurp(Reader reader) {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[8192];
            try {
                for (int r = reader.read(buf); r >= 0; r = reader.read(buf)) {
                    sb.append(buf, 0, r);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read catalogue", e);
            }
            return sb.toString();
        }
    }
}
