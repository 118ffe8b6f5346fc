package uk.rxledger.outcomes;

import org.junit.jupiter.api.Test;
import uk.rxledger.regimen.AlertAnswered;
import uk.rxledger.regimen.AlertDecision;
import uk.rxledger.regimen.AlertFinding;
import uk.rxledger.regimen.AlertRaised;
import uk.rxledger.regimen.AlertResolved;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.MedicationReviewCompleted;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.regimen.SwitchReason;
import uk.rxledger.waste.Histories;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.rxledger.waste.Histories.CATALOGUE;
import static uk.rxledger.waste.Histories.CHEAP;
import static uk.rxledger.waste.Histories.DEAR;
import static uk.rxledger.waste.Histories.PENNY;
import static uk.rxledger.waste.Histories.d;

/** Outcome figures on business dates, and the before/after of structured reviews with the 90-day rule. */
class PatientOutcomesTest {

    static AlertRaised alert(String id, String category, String on) {
        return new AlertRaised("p1", id, new AlertFinding("RULE_" + id, "1", "t", "PINCER", category, "HIGH",
                                                          "https://x", "m", "r", List.of(), List.of(), List.of()), d(on));
    }

    /**
     * DEAR (10p, ACB 3) 1 a day from Jan 1, switched to CHEAP (2.5p) 2 a day on Mar 1; PENNY (0.35p, ACB 1) 2 a day
     * from Jan 1, stopped on Feb 10 (the review date); a SAFETY alert open Jan 5 to Feb 10 (accepted), another raised
     * Feb 20 and resolved Mar 5, a MONITORING alert never counted. Structured review on Feb 10, a clinical one on Feb 1.
     */
    static Histories history() {
        Histories h = Histories.patient();
        String dear = h.start(DEAR, 1, 1, "2026-01-01");
        String penny = h.start(PENNY, 1, 2, "2026-01-01");
        h.event(alert("A1", "SAFETY", "2026-01-05"))
         .event(alert("A2", "MONITORING", "2026-01-05"))
         .event(new MedicationReviewCompleted("p1", d("2026-02-01"), "gp", ReviewKind.CLINICAL, null))
         .event(new MedicationReviewCompleted("p1", d("2026-02-10"), "pharmacist", ReviewKind.STRUCTURED, null))
         .event(new AlertAnswered("p1", "A1", AlertDecision.ACCEPTED, null, d("2026-02-10"), "pharmacist"))
         .deprescribe(penny, "2026-02-10", DeprescribeReason.HIGH_RISK, null)
         .event(alert("A3", "SAFETY", "2026-02-20"))
         .event(new AlertResolved("p1", "A3", d("2026-03-05")));
        h.switchTo(dear, CHEAP, 1, 2, "2026-03-01", SwitchReason.COST_EFFECTIVENESS, null);
        return h;
    }

    @Test
    void figuresFollowTheHistoryByBusinessDate() {
        PatientView view = history().view();
        // Jan 5: DEAR + PENNY, ACB 4, A1 open; (10 + 0.7) x 30 = 321p
        assertThat(PatientOutcomes.on(view, d("2026-01-05"), CATALOGUE)).isEqualTo(new OutcomeFigures(2, 4, 1, 321));
        // Feb 10: PENNY stopped and A1 answered that day
        assertThat(PatientOutcomes.on(view, d("2026-02-10"), CATALOGUE)).isEqualTo(new OutcomeFigures(1, 3, 0, 300));
        // Feb 25: A3 open
        assertThat(PatientOutcomes.on(view, d("2026-02-25"), CATALOGUE)).isEqualTo(new OutcomeFigures(1, 3, 1, 300));
        // Mar 1: switched to CHEAP 2 a day that day: 5p x 30 = 150p, ACB 0
        assertThat(PatientOutcomes.on(view, d("2026-03-01"), CATALOGUE)).isEqualTo(new OutcomeFigures(1, 0, 1, 150));
        assertThat(PatientOutcomes.on(view, d("2026-03-05"), CATALOGUE)).isEqualTo(new OutcomeFigures(1, 0, 0, 150));
        assertThat(PatientOutcomes.on(view, d("2025-12-31"), CATALOGUE)).isEqualTo(new OutcomeFigures(0, 0, 0, 0));
    }

    @Test
    void theOutcomeTodayHasTheLatestStructuredReview() {
        PatientOutcome outcome = PatientOutcomes.today(history().view(), d("2026-04-01"), CATALOGUE);
        assertThat(outcome).isEqualTo(new PatientOutcome(1, 0, 0, null, 150, d("2026-02-10")));
    }

    @Test
    void aReviewIsComparedWithNinetyDaysLaterOrTodayUntilThen() {
        PatientView view = history().view();
        OutcomeFigures before = new OutcomeFigures(2, 4, 1, 321);
        // Feb 10 + 90 days = May 11
        assertThat(PatientOutcomes.reviews(view, d("2026-06-01"), CATALOGUE)).containsExactly(
                new ReviewOutcome(d("2026-02-10"), before, new OutcomeFigures(1, 0, 0, 150), d("2026-05-11")));
        assertThat(PatientOutcomes.reviews(view, d("2026-02-25"), CATALOGUE)).containsExactly(
                new ReviewOutcome(d("2026-02-10"), before, new OutcomeFigures(1, 3, 1, 300), d("2026-02-25")));
        // On the review day itself: "after" is the end of that day
        assertThat(PatientOutcomes.reviews(view, d("2026-02-10"), CATALOGUE)).containsExactly(
                new ReviewOutcome(d("2026-02-10"), before, new OutcomeFigures(1, 3, 0, 300), d("2026-02-10")));
        // Only structured reviews count; none yet before the review date
        assertThat(PatientOutcomes.reviews(view, d("2026-02-09"), CATALOGUE)).isEmpty();
    }
}
