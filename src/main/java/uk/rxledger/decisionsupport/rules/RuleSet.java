package uk.rxledger.decisionsupport.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A versioned, immutable set of decision rules read from JSON (by default {@code /decisionsupport/rules.json} on the
 * classpath). Thresholds, windows and drug lists live in the file, so changing one is a data change; the Java code
 * only knows the evaluation templates ({@link RuleKind}).
 *
 * <p>Plain Java (and Jackson for the JSON); safe to share between threads.
 */
public final class RuleSet {

    /** Classpath location of the rule set shipped with the application. */
    public static final String DEFAULT_RESOURCE = "/decisionsupport/rules.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("version", "rules");
    private static final List<String> REQUIRED_TEXT_FIELDS = List.of(
            "code", "title", "source", "category", "severity", "evidenceUrl", "message", "recommendation", "kind");
    private static final Set<String> RULE_FIELDS;

    static {
        Set<String> fields = new HashSet<>(REQUIRED_TEXT_FIELDS);
        fields.add("parameters");
        fields.add("notes");
        RULE_FIELDS = Set.copyOf(fields);
    }

    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final Pattern CHEMICAL = Pattern.compile("[0-9A-Z]{9}");

    private final String version;
    private final List<Rule> rules;
    private final Map<String, Rule> byCode;

    private RuleSet(String version, List<Rule> rules) {
        this.version = version;
        this.rules = List.copyOf(rules);
        Map<String, Rule> codes = new LinkedHashMap<>();
        rules.forEach(r -> codes.put(r.code(), r));
        this.byCode = Map.copyOf(codes);
    }

    /**
     * Reads the rule set shipped on the classpath at {@link #DEFAULT_RESOURCE}.
     *
     * @throws IllegalStateException    if the resource is missing
     * @throws IllegalArgumentException if it is malformed (see {@link #parse(InputStream)})
     */
    public static RuleSet loadDefault() {
        try (InputStream in = RuleSet.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("rule set resource not found on classpath: " + DEFAULT_RESOURCE);
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * Parses and validates a rule set: {@code {"version": "...", "rules": [...]}}. The stream is not closed.
     *
     * @throws IllegalArgumentException for malformed JSON, and, naming the rule, for a missing or blank field, an
     *         unknown field, a duplicate code, an unknown source/category/severity/kind or other bad enum value, an
     *         evidenceUrl that is not https, a parameter the kind does not take or a required one that is missing, a
     *         bad parameter value, and a message placeholder the kind cannot fill
     * @throws UncheckedIOException     if the stream fails
     */
    public static RuleSet parse(InputStream in) {
        Objects.requireNonNull(in, "in");
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("rule set is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rule set", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("rule set must be a JSON object with 'version' and 'rules'");
        }
        rejectUnknownFields(root, TOP_LEVEL_FIELDS, "rule set");
        JsonNode version = root.get("version");
        if (version == null || !version.isTextual() || version.asText().isBlank()) {
            throw new IllegalArgumentException("rule set: missing field 'version'");
        }
        JsonNode rulesNode = root.get("rules");
        if (rulesNode == null || !rulesNode.isArray() || rulesNode.isEmpty()) {
            throw new IllegalArgumentException("rule set: 'rules' must be a non-empty array");
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < rulesNode.size(); i++) {
            Rule rule = toRule(rulesNode.get(i), i + 1);
            if (!codes.add(rule.code())) {
                throw new IllegalArgumentException("rule " + rule.code() + ": duplicate code");
            }
            rules.add(rule);
        }
        return new RuleSet(version.asText(), rules);
    }

    private static Rule toRule(JsonNode node, int position) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("rule #" + position + ": must be a JSON object");
        }
        JsonNode codeNode = node.get("code");
        if (codeNode == null || !codeNode.isTextual() || !CODE.matcher(codeNode.asText()).matches()) {
            throw new IllegalArgumentException("rule #" + position + ": missing or malformed field 'code'");
        }
        String code = codeNode.asText();
        String name = "rule " + code;
        rejectUnknownFields(node, RULE_FIELDS, name);
        Map<String, String> text = new LinkedHashMap<>();
        for (String field : REQUIRED_TEXT_FIELDS) {
            JsonNode value = node.get(field);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                throw new IllegalArgumentException(name + ": missing field '" + field + "'");
            }
            text.put(field, value.asText());
        }
        JsonNode notes = node.get("notes");
        if (notes != null && !notes.isTextual()) {
            throw new IllegalArgumentException(name + ": 'notes' must be text");
        }
        RuleKind kind = enumValue(RuleKind.class, text.get("kind"), name, "kind");
        String evidenceUrl = text.get("evidenceUrl");
        requireHttps(evidenceUrl, name);
        RuleParameters parameters = toParameters(node.get("parameters"), kind, name);
        checkPlaceholders(text.get("message"), kind, name);
        return new Rule(code, text.get("title"),
                enumValue(RuleSource.class, text.get("source"), name, "source"),
                enumValue(RuleCategory.class, text.get("category"), name, "category"),
                enumValue(Severity.class, text.get("severity"), name, "severity"),
                evidenceUrl, text.get("message"), text.get("recommendation"), kind, parameters,
                notes == null ? null : notes.asText());
    }

    private static RuleParameters toParameters(JsonNode node, RuleKind kind, String name) {
        if (node == null || node.isNull()) {
            node = JSON.createObjectNode();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(name + ": 'parameters' must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!kind.allowedParameters().contains(field)) {
                throw new IllegalArgumentException(name + ": kind " + kind + " does not take parameter '" + field
                        + "' (it takes " + new TreeSet<>(kind.allowedParameters()) + ")");
            }
        }
        for (String required : new TreeSet<>(kind.requiredParameters())) {
            JsonNode value = node.get(required);
            if (value == null || value.isNull()) {
                throw new IllegalArgumentException(name + ": kind " + kind + " needs parameter '" + required + "'");
            }
        }
        RuleParameters parameters;
        try {
            parameters = JSON.treeToValue(node, RuleParameters.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(name + ": bad parameters: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": bad parameters: " + e.getMessage(), e);
        }
        checkValues(parameters, name);
        return parameters;
    }

    /** Values Jackson accepts but no rule could mean. */
    private static void checkValues(RuleParameters p, String name) {
        for (Integer value : Arrays.asList(p.minAge(), p.minDaysOnDrug(), p.onDrugLongerThanDays(),
                p.monitoringWindowDays(), p.fullDoseLongerThanDays(), p.minAcbScore(), p.minAcbTotal())) {
            if (value != null && value < 0) {
                throw new IllegalArgumentException(name + ": parameters must not be negative (found " + value + ")");
            }
        }
        for (Integer value : Arrays.asList(p.minLines(), p.minActiveLines())) {
            if (value != null && value < 1) {
                throw new IllegalArgumentException(name + ": a line count must be at least 1 (found " + value + ")");
            }
        }
        if (p.below() != null && !(p.below() > 0)) {
            throw new IllegalArgumentException(name + ": 'below' must be positive");
        }
        // (null elements never get here: RuleParameters copies lists with List.copyOf, which refuses them)
        for (List<?> list : Arrays.asList(p.together(), p.conditions(), p.monitoring(), p.frailty())) {
            if (list != null && list.isEmpty()) {
                throw new IllegalArgumentException(name + ": a list parameter is empty");
            }
        }
        if (p.fullDoseMgPerDay() != null) {
            if (p.fullDoseMgPerDay().isEmpty()) {
                throw new IllegalArgumentException(name + ": 'fullDoseMgPerDay' is empty");
            }
            p.fullDoseMgPerDay().forEach((chemical, mg) -> {
                if (!CHEMICAL.matcher(chemical).matches() || mg == null || !(mg > 0)) {
                    throw new IllegalArgumentException(name + ": 'fullDoseMgPerDay' needs 9-character BNF chemical"
                            + " codes and positive mg (found " + chemical + "=" + mg + ")");
                }
            });
        }
    }

    private static void checkPlaceholders(String message, RuleKind kind, String name) {
        Matcher m = PLACEHOLDER.matcher(message);
        while (m.find()) {
            if (!kind.placeholders().contains(m.group(1))) {
                throw new IllegalArgumentException(name + ": message placeholder {" + m.group(1)
                        + "} is not filled by kind " + kind + " (it fills " + new TreeSet<>(kind.placeholders()) + ")");
            }
        }
    }

    private static void requireHttps(String url, String name) {
        try {
            URI uri = new URI(url);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(name + ": evidenceUrl must be an https address: " + url);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + ": evidenceUrl is not a URL: " + url, e);
        }
    }

    private static void rejectUnknownFields(JsonNode node, Set<String> known, String name) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new IllegalArgumentException(name + ": unknown field '" + field + "'");
            }
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String name, String field) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": unknown " + field + " '" + value + "' (expected one of "
                    + Arrays.toString(type.getEnumConstants()) + ")", e);
        }
    }

    /** The rule set's version, e.g. {@code 2026.11.1}; alerts report it as the rule version. */
    public String version() {
        return version;
    }

    /** Every rule, in file order (the order {@link RuleEvaluator} reports hits in). */
    public List<Rule> rules() {
        return rules;
    }

    /** The rule with this code, if the set has one. */
    public Optional<Rule> find(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(byCode.get(code));
    }

    @Override
    public String toString() {
        return "RuleSet[" + version + ", " + rules.size() + " rules]";
    }
}
