package uk.rxledger.decisionsupport.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.regimen.ObservationKind;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The shipped rule set covers the contract, and malformed rule files are rejected with the rule named. */
class RuleSetTest {

    /** Every rule code the contract's "Decision support" section defines, in the order the file keeps them. */
    static final List<String> CONTRACT_CODES = List.of(
            "PINCER_GI_P3A", "PINCER_GI_P3B", "PINCER_GI_P3C", "PINCER_GI_P3D", "PINCER_GI_P3E", "PINCER_GI_P3F",
            "PINCER_AS_P3G", "PINCER_HF_P3I", "PINCER_KI_P3K", "PINCER_MO_P13", "PINCER_MO_P15", "PINCER_MO_P17",
            "PINCER_MO_P18",
            "STOPP_A3", "STOPP_B3", "STOPP_D5", "STOPP_E4", "STOPP_E6", "STOPP_F2", "STOPP_K1", "STOPP_L2",
            "STOPP_M1",
            "ACB_TOTAL_3",
            "SMR_POLYPHARMACY", "SMR_ADDICTIVE", "SMR_CARE_HOME", "SMR_SEVERE_FRAILTY",
            "PDC_LOW",
            "FORMULARY_SWITCH");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RuleSet DEFAULT = RuleSet.loadDefault();

    @Test
    void theDefaultSetHasOneRuleForEveryContractCodeInOrder() {
        assertThat(DEFAULT.version()).isEqualTo("2026.11.1");
        assertThat(DEFAULT.rules()).extracting(Rule::code).containsExactlyElementsOf(CONTRACT_CODES);
        assertThat(CONTRACT_CODES).hasSize(29).doesNotHaveDuplicates();
    }

    @Test
    void everyRuleHasAnHttpsEvidenceUrlAndTextForClinicians() {
        for (Rule rule : DEFAULT.rules()) {
            assertThat(rule.evidenceUrl()).as(rule.code()).startsWith("https://");
            assertThat(rule.title()).as(rule.code()).isNotBlank();
            assertThat(rule.message()).as(rule.code()).isNotBlank();
            assertThat(rule.recommendation()).as(rule.code()).isNotBlank();
            assertThat(rule.notes()).as(rule.code()).isNotBlank();
        }
    }

    @Test
    void sourcesAndCategoriesFollowTheCodeFamilies() {
        for (Rule rule : DEFAULT.rules()) {
            RuleSource expected = rule.code().startsWith("PINCER_") ? RuleSource.PINCER
                    : rule.code().startsWith("STOPP_") ? RuleSource.STOPP_V2
                    : rule.code().startsWith("ACB_") ? RuleSource.ACB
                    : rule.code().startsWith("SMR_") ? RuleSource.NHSE_SMR
                    : rule.code().startsWith("PDC_") ? RuleSource.PDC
                    : RuleSource.FORMULARY;
            assertThat(rule.source()).as(rule.code()).isEqualTo(expected);
        }
        assertThat(DEFAULT.rules()).filteredOn(r -> r.code().startsWith("PINCER_MO_"))
                                   .extracting(Rule::category).containsOnly(RuleCategory.MONITORING);
        assertThat(DEFAULT.rules()).filteredOn(r -> r.code().startsWith("SMR_"))
                                   .extracting(Rule::category).containsOnly(RuleCategory.REVIEW);
        assertThat(DEFAULT.find("PDC_LOW").orElseThrow().category()).isEqualTo(RuleCategory.ADHERENCE);
        assertThat(DEFAULT.find("FORMULARY_SWITCH").orElseThrow().category()).isEqualTo(RuleCategory.COST);
    }

    @Test
    void everyStoppRuleIsForAge65AndOver() {
        assertThat(DEFAULT.rules()).filteredOn(r -> r.source() == RuleSource.STOPP_V2)
                                   .extracting(r -> r.parameters().minAge()).containsOnly(65);
    }

    @Test
    void parametersAreTypedFromTheFile() {
        RuleParameters p13 = DEFAULT.find("PINCER_MO_P13").orElseThrow().parameters();
        assertThat(p13.minAge()).isEqualTo(75);
        assertThat(p13.onDrugLongerThanDays()).isEqualTo(456);
        assertThat(p13.monitoringWindowDays()).isEqualTo(456);
        assertThat(p13.monitoring()).containsExactly(ObservationKind.RENAL_FUNCTION_TEST,
                                                     ObservationKind.ELECTROLYTES_TEST);
        assertThat(p13.drugs().classes()).containsExactly("ACE_INHIBITOR", "ARB", "LOOP_DIURETIC");

        RuleParameters f2 = DEFAULT.find("STOPP_F2").orElseThrow().parameters();
        assertThat(f2.fullDoseMgPerDay()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "0103050P0", 40.0, "0103050E0", 40.0, "0103050L0", 30.0, "0103050R0", 40.0, "0103050T0", 20.0));
        assertThat(f2.fullDoseLongerThanDays()).isEqualTo(56);

        assertThat(DEFAULT.find("PINCER_GI_P3F").orElseThrow().parameters().together())
                .extracting(DrugSelector::chemicals, DrugSelector::excludeChemicals)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(List.of("0209000A0"), List.of()),
                                 org.assertj.core.groups.Tuple.tuple(List.of(), List.of("0209000A0")));
        assertThat(DEFAULT.find("PDC_LOW").orElseThrow().parameters().below()).isEqualTo(0.80);
    }

    @Test
    void everyDrugClassTheRulesNameExistsInTheCatalogue() {
        Catalogue catalogue = Catalogue.loadDefault();
        for (Rule rule : DEFAULT.rules()) {
            RuleParameters p = rule.parameters();
            Stream.concat(Stream.of(p.drugs(), p.unlessOnDrugs()),
                          p.together() == null ? Stream.empty() : p.together().stream())
                  .filter(java.util.Objects::nonNull)
                  .flatMap(s -> s.classes().stream())
                  .forEach(c -> assertThat(catalogue.drugClasses()).as(rule.code()).contains(c));
        }
    }

    @Test
    void findReturnsTheRuleOrNothing() {
        assertThat(DEFAULT.find("STOPP_B3")).map(Rule::kind).contains(RuleKind.COMBINATION);
        assertThat(DEFAULT.find("STOPP_Z9")).isEmpty();
        assertThat(DEFAULT.find(null)).isEmpty();
    }

    @Test
    void aMinimalValidFileParses() {
        RuleSet set = parse(file(validRule("X_ONE")));
        assertThat(set.version()).isEqualTo("test.1");
        assertThat(set.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.code()).isEqualTo("X_ONE");
            assertThat(rule.kind()).isEqualTo(RuleKind.DRUG_RISK);
            assertThat(rule.severity()).isEqualTo(Severity.HIGH);
            assertThat(rule.notes()).isNull();
        });
    }

    static Stream<Arguments> malformedRules() {
        return Stream.of(
                bad("unknown kind", r -> r.put("kind", "NSAID_RULE"), "unknown kind 'NSAID_RULE'"),
                bad("missing title", r -> r.remove("title"), "missing field 'title'"),
                bad("blank message", r -> r.put("message", " "), "missing field 'message'"),
                bad("missing recommendation", r -> r.remove("recommendation"), "missing field 'recommendation'"),
                bad("missing evidenceUrl", r -> r.remove("evidenceUrl"), "missing field 'evidenceUrl'"),
                bad("bad severity", r -> r.put("severity", "CRITICAL"), "unknown severity 'CRITICAL'"),
                bad("lower-case severity", r -> r.put("severity", "high"), "unknown severity 'high'"),
                bad("bad source", r -> r.put("source", "BNF"), "unknown source 'BNF'"),
                bad("bad category", r -> r.put("category", "DANGER"), "unknown category 'DANGER'"),
                bad("http evidence url", r -> r.put("evidenceUrl", "http://example.org/x"), "https"),
                bad("evidence url without host", r -> r.put("evidenceUrl", "https:/x"), "https"),
                bad("unknown field", r -> r.put("thresold", 3), "unknown field 'thresold'"),
                bad("notes not text", r -> r.putArray("notes"), "'notes' must be text"),
                bad("missing required parameter", r -> params(r).remove("drugs"), "needs parameter 'drugs'"),
                bad("parameter the kind does not take", r -> params(r).put("below", 45), "does not take parameter"),
                bad("bad condition enum", r -> params(r).putArray("conditions").add("ASTHMAA"), "bad parameters"),
                bad("bad condition scope", r -> params(r).put("conditionScope", "EVER"), "bad parameters"),
                bad("empty drug selector", r -> params(r).putObject("drugs"), "bad parameters"),
                bad("bad chemical code", r -> params(r).putObject("drugs").putArray("chemicals").add("0209A"),
                    "bad parameters"),
                bad("fractional age", r -> params(r).put("minAge", 65.5), "bad parameters"),
                bad("age as text", r -> params(r).put("minAge", "65"), "bad parameters"),
                bad("negative age", r -> params(r).put("minAge", -1), "must not be negative"),
                bad("unknown placeholder", r -> r.put("message", "{dose} of {medicines}"), "placeholder {dose}"),
                bad("placeholder of another kind", r -> r.put("message", "{days} days"), "placeholder {days}"),
                bad("parameters not an object", r -> r.put("parameters", 3), "'parameters' must be a JSON object"),
                bad("bad observation kind", r -> {
                    r.put("kind", "LOW_LATEST_OBSERVATION");
                    params(r).put("observation", "EGFRX").put("below", 45);
                }, "bad parameters"),
                bad("zero threshold", r -> {
                    r.put("kind", "LOW_LATEST_OBSERVATION");
                    params(r).put("observation", "EGFR").put("below", 0);
                }, "'below' must be positive"),
                bad("empty monitoring list", r -> {
                    r.put("kind", "LONG_TERM_DRUG_WITHOUT_MONITORING");
                    params(r).put("onDrugLongerThanDays", 91).put("monitoringWindowDays", 91).putArray("monitoring");
                }, "empty"),
                bad("full dose for a bad chemical code", r -> {
                    r.put("kind", "FULL_DOSE_DURATION");
                    params(r).put("fullDoseLongerThanDays", 56).putObject("fullDoseMgPerDay").put("omeprazole", 40);
                }, "fullDoseMgPerDay"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRules")
    void parseRejectsAMalformedRuleNamingIt(String name, Consumer<ObjectNode> breakIt, String expected) {
        ObjectNode rule = validRule("X_BROKEN");
        breakIt.accept(rule);
        assertThatThrownBy(() -> parse(file(validRule("X_FINE"), rule)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule X_BROKEN")
                .hasMessageContaining(expected);
    }

    static Stream<Arguments> malformedFiles() {
        return Stream.of(
                arguments("not JSON", "{\"version\": \"1\", \"rules\": [", "not valid JSON"),
                arguments("not an object", "[]", "must be a JSON object"),
                arguments("missing version", "{\"rules\": [" + validRule("X_ONE") + "]}", "missing field 'version'"),
                arguments("empty rules", "{\"version\": \"1\", \"rules\": []}", "non-empty array"),
                arguments("unknown top-level field", "{\"version\": \"1\", \"rule\": []}", "unknown field 'rule'"),
                arguments("duplicate JSON key", "{\"version\": \"1\", \"version\": \"2\", \"rules\": []}",
                          "not valid JSON"),
                arguments("duplicate code", file(validRule("X_TWICE"), validRule("X_TWICE")),
                          "rule X_TWICE: duplicate code"),
                arguments("rule without a code", file(validRule("X_ONE").without("code")),
                          "rule #1: missing or malformed field 'code'"),
                arguments("lower-case code", file(validRule("x_one")), "rule #1: missing or malformed field 'code'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFiles")
    void parseRejectsAMalformedFile(String name, String json, String expected) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(IllegalArgumentException.class)
                                            .hasMessageContaining(expected);
    }

    // ------------------------------------------------------------------ helpers

    private static Arguments bad(String name, Consumer<ObjectNode> breakIt, String expected) {
        return arguments(name, breakIt, expected);
    }

    private static ObjectNode params(ObjectNode rule) {
        return (ObjectNode) rule.get("parameters");
    }

    static ObjectNode validRule(String code) {
        ObjectNode rule = JSON.createObjectNode();
        rule.put("code", code).put("title", "t").put("source", "PINCER").put("category", "SAFETY")
            .put("severity", "HIGH").put("evidenceUrl", "https://example.org/rule").put("message", "m {medicines}")
            .put("recommendation", "r").put("kind", "DRUG_RISK");
        rule.putObject("parameters").putObject("drugs").putArray("classes").add("NSAID");
        return rule;
    }

    static String file(ObjectNode... rules) {
        ObjectNode root = JSON.createObjectNode().put("version", "test.1");
        ArrayNode array = root.putArray("rules");
        for (ObjectNode rule : rules) {
            array.add(rule);
        }
        return root.toString();
    }

    static RuleSet parse(String json) {
        return RuleSet.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
