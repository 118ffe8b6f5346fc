package uk.rxledger.decisionsupport;

import java.util.Map;

/**
 * The worklist's documented weighting (ADR 0006): who should a pharmacist see first?
 * <pre>
 *   priorityScore = 100 x open HIGH alerts + 40 x open MEDIUM alerts + 10 x open LOW alerts
 *                 + 50 if eligible for a structured medication review
 *                 + 10 x anticholinergic burden (ACB total of active lines)
 * </pre>
 * One HIGH-severity safety problem outranks anything short of several medium ones; SMR eligibility and a high
 * anticholinergic burden lift patients with no alert yet.
 */
public final class PriorityScore {

    public static final Map<String, Integer> SEVERITY_WEIGHT = Map.of("HIGH", 100, "MEDIUM", 40, "LOW", 10);
    public static final int SMR_ELIGIBLE_WEIGHT = 50;
    public static final int ACB_POINT_WEIGHT = 10;

    private PriorityScore() {
    }

    public static double of(Iterable<String> openAlertSeverities, boolean smrEligible, int acbTotal) {
        double score = 0;
        for (String severity : openAlertSeverities) {
            score += SEVERITY_WEIGHT.getOrDefault(severity, 0);
        }
        return score + (smrEligible ? SMR_ELIGIBLE_WEIGHT : 0) + ACB_POINT_WEIGHT * acbTotal;
    }
}
