package uk.rxledger.decisionsupport.rules;

import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.ReviewKind;

import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a patient should be offered a structured medication review (NHS England's SMR cohorts in the Network
 * Contract DES), and why.
 *
 * <p>{@code reasons} are the {@code SMR_*} rule codes that hold, in rule-file order. {@code eligible} is true when
 * there is at least one reason and no {@link ReviewKind#STRUCTURED structured} review was completed in the last 365
 * days (today - 365 &lt;= reviewedOn &lt;= today); other review kinds (clinical, prescription) do not count.
 *
 * <p>Decision: a recent structured review makes the patient not eligible but <em>keeps the reasons listed</em>. The
 * cohorts still describe the patient, and the worklist can show why the patient will be eligible again once the
 * review is more than a year old; {@code eligible} alone decides eligibility.
 */
public record SmrEligibility(boolean eligible, List<String> reasons) {

    /** A structured review counts for this many days (the contract's "last 365 days"). */
    public static final int REVIEW_COUNTS_FOR_DAYS = 365;
    /** Rule codes of the SMR cohorts start with this. */
    public static final String SMR_CODE_PREFIX = "SMR_";

    public SmrEligibility {
        reasons = List.copyOf(reasons);
    }

    /**
     * @param hits    the patient's rule hits as {@link RuleEvaluator#evaluate} returns them (rule-file order)
     * @param patient the patient, for their reviews
     * @param today   the evaluation date
     */
    public static SmrEligibility of(List<RuleHit> hits, PatientView patient, LocalDate today) {
        Objects.requireNonNull(hits, "hits");
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(today, "today");
        Set<String> reasons = new LinkedHashSet<>();
        for (RuleHit hit : hits) {
            if (hit.ruleCode().startsWith(SMR_CODE_PREFIX)) {
                reasons.add(hit.ruleCode());
            }
        }
        boolean eligible = !reasons.isEmpty() && !hasRecentStructuredReview(patient, today);
        return new SmrEligibility(eligible, List.copyOf(reasons));
    }

    /** A structured review with today - 365 &lt;= reviewedOn &lt;= today. */
    public static boolean hasRecentStructuredReview(PatientView patient, LocalDate today) {
        LocalDate from = today.minusDays(REVIEW_COUNTS_FOR_DAYS);
        return patient.reviews.stream().anyMatch(r -> r.kind == ReviewKind.STRUCTURED && r.reviewedOn != null
                && !r.reviewedOn.isBefore(from) && !r.reviewedOn.isAfter(today));
    }
}
