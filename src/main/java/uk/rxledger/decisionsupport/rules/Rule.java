package uk.rxledger.decisionsupport.rules;

import java.util.Objects;

/**
 * One decision rule as the rule file defines it.
 *
 * @param code           stable upper-case code, e.g. {@code PINCER_GI_P3A}; alerts are keyed by it
 * @param title          short name for lists
 * @param source         the published source the rule implements
 * @param category       the alert category
 * @param severity       the alert severity
 * @param evidenceUrl    https address of the published source
 * @param message        text for clinicians with placeholders such as {@code {medicines}} (see {@link RuleKind})
 * @param recommendation what to consider doing
 * @param kind           the evaluation template
 * @param parameters     the template's parameters
 * @param notes          where and how the rule follows its source rather than the contract's summary; may be null
 */
public record Rule(
        String code,
        String title,
        RuleSource source,
        RuleCategory category,
        Severity severity,
        String evidenceUrl,
        String message,
        String recommendation,
        RuleKind kind,
        RuleParameters parameters,
        String notes) {

    public Rule {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(kind, "kind");
        parameters = parameters == null ? RuleParameters.NONE : parameters;
    }
}
