package uk.rxledger.decisionsupport.rules;

import java.util.List;
import java.util.Objects;

/**
 * A rule that holds for a patient on the evaluation date, with the evidence that made it hold. Alerts are keyed by
 * {@code (ruleCode, lineIds)}.
 *
 * @param ruleCode     the rule's code
 * @param lineIds      the medicine lines that made it hold, sorted; empty for patient-level rules (care home, frailty)
 * @param conditions   condition names that made it hold, e.g. {@code PEPTIC_ULCER_OR_GI_BLEED}
 * @param observations human text for the observations used or missing, e.g.
 *                     {@code "EGFR 38 mL/min/1.73m2 on 2026-01-02"} or
 *                     {@code "no LITHIUM_LEVEL in the 91 days before 2026-11-23"}
 * @param message      the rule's message with its placeholders filled in
 */
public record RuleHit(String ruleCode, List<String> lineIds, List<String> conditions, List<String> observations,
                      String message) {

    public RuleHit {
        Objects.requireNonNull(ruleCode, "ruleCode");
        lineIds = List.copyOf(lineIds);
        conditions = List.copyOf(conditions);
        observations = List.copyOf(observations);
        Objects.requireNonNull(message, "message");
    }
}
