package uk.rxledger.regimen;

import java.util.List;

/**
 * A decision rule that holds for a patient, with what made it hold and how to present it. Carried into
 * {@link AlertRaised} whole, so an alert reads the same later even if the rule set changes.
 */
public record AlertFinding(String ruleCode, String ruleVersion, String title, String source, String category,
                           String severity, String evidenceUrl, String message, String recommendation,
                           List<String> lineIds, List<String> conditions, List<String> observations) {

    public AlertFinding {
        lineIds = List.copyOf(lineIds.stream().sorted().toList());
        conditions = List.copyOf(conditions);
        observations = List.copyOf(observations);
    }

    /** Alerts are the same alert when the same rule holds for the same lines. */
    public String key() {
        return key(ruleCode, lineIds);
    }

    public static String key(String ruleCode, List<String> lineIds) {
        return ruleCode + "|" + String.join(",", lineIds.stream().sorted().toList());
    }
}
