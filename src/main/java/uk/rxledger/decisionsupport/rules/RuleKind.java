package uk.rxledger.decisionsupport.rules;

import java.util.HashSet;
import java.util.Set;

/**
 * The evaluation templates: each rule names one, and {@link RuleEvaluator} has one method per template. A kind
 * declares which parameters it needs and which it may take, so a rule file that gives a template a parameter it
 * would ignore is rejected rather than silently misread, and which message placeholders it can fill.
 */
public enum RuleKind {

    /** Each active line of {@code drugs}, if the patient has one of {@code conditions} and takes none of {@code unlessOnDrugs}. */
    DRUG_RISK(Set.of("drugs"), Set.of("conditions", "conditionScope", "unlessOnDrugs")),
    /** At least one active line from every group in {@code together}, and none of {@code unlessOnDrugs}: one hit. */
    COMBINATION(Set.of("together"), Set.of("unlessOnDrugs")),
    /** Each active line of {@code drugs} while the latest {@code observation} value is below {@code below}. */
    LOW_LATEST_OBSERVATION(Set.of("drugs", "observation", "below"), Set.of()),
    /** Lines of {@code drugs} taken longer than the window while a {@code monitoring} test is missing in its window. */
    LONG_TERM_DRUG_WITHOUT_MONITORING(
            Set.of("drugs", "onDrugLongerThanDays", "monitoring", "monitoringWindowDays"), Set.of()),
    /** Each active line of {@code drugs} taken for {@code minDaysOnDrug} days or more. */
    DRUG_DURATION(Set.of("drugs", "minDaysOnDrug"), Set.of(), "days"),
    /** Each active line of {@code drugs} continuously at or above its full daily dose for longer than the window. */
    FULL_DOSE_DURATION(Set.of("drugs", "fullDoseMgPerDay", "fullDoseLongerThanDays"), Set.of(), "days", "dailyDoseMg"),
    /** {@code minLines} or more active lines of one drug class: one hit per class. */
    DUPLICATE_CLASS(Set.of("minLines"), Set.of("excludeClasses"), "drugClass", "count"),
    /** {@code minLines} or more active lines whose ACB score is at least {@code minAcbScore}: one hit. */
    CONCOMITANT_ANTICHOLINERGICS(Set.of("minAcbScore", "minLines"), Set.of(), "count"),
    /** Total ACB score of the active lines at least {@code minAcbTotal}: one hit with the lines that score. */
    ANTICHOLINERGIC_BURDEN(Set.of("minAcbTotal"), Set.of(), "acbTotal"),
    /** {@code minActiveLines} or more active lines: one hit with all of them. */
    ACTIVE_LINE_COUNT(Set.of("minActiveLines"), Set.of(), "count"),
    /** The patient lives in a care home. */
    CARE_HOME_RESIDENT(Set.of(), Set.of()),
    /** The patient's frailty is one of {@code frailty}. */
    FRAILTY(Set.of("frailty"), Set.of()),
    /** Each active line whose latest adherence check is below {@code below}. */
    LOW_ADHERENCE(Set.of("below"), Set.of(), "adherence"),
    /** Each active line whose product has a formulary alternative. */
    FORMULARY_ALTERNATIVE(Set.of(), Set.of(), "alternatives");

    /** Placeholders every template fills. */
    public static final Set<String> COMMON_PLACEHOLDERS = Common.PLACEHOLDERS;

    private final Set<String> required;
    private final Set<String> optional;
    private final Set<String> placeholders;

    RuleKind(Set<String> required, Set<String> optional, String... placeholders) {
        this.required = required;
        this.optional = union(optional, Set.of(Common.MIN_AGE));
        this.placeholders = union(Common.PLACEHOLDERS, Set.of(placeholders));
    }

    public Set<String> requiredParameters() {
        return required;
    }

    /** Parameters the template accepts: the required ones and the optional ones. */
    public Set<String> allowedParameters() {
        return union(required, optional);
    }

    /** Placeholders a message of this kind may use, e.g. {@code {medicines}}. */
    public Set<String> placeholders() {
        return placeholders;
    }

    /** Holder, because an enum constructor cannot read the enum's own static fields. */
    private static final class Common {
        static final Set<String> PLACEHOLDERS = Set.of("medicines", "conditions", "observations", "age");
        /** Every rule may be restricted to an age. */
        static final String MIN_AGE = "minAge";
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
