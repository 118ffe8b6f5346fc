package uk.rxledger.regimen;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.domain.Rejected;
import uk.rxledger.regimen.RegimenCommands.ReconcileAlerts;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.RegimenCommands.RespondToAlert;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;


/**
 * The alert lifecycle in the patient's stream: raised when a rule starts to hold, resolved when it stops, answered by a
 * clinician, a decline suppressing the same rule on the same lines for 180 days.
 */
class AlertLifecycleTest {

    static final LocalDate TODAY = LocalDate.of(2026, 6, 15);
    static final String P = "patient-1";

    FixtureConfiguration<PatientRegimen> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(PatientRegimen.class);
        fixture.registerInjectableResource(Catalogue.loadDefault());
        fixture.registerInjectableResource(Clock.fixed(Instant.parse("2026-06-15T10:00:00Z"), ZoneId.of("Europe/London")));
    }

    static AlertFinding finding(String rule, String... lines) {
        return new AlertFinding(rule, "2026.11.1", rule + " title", "PINCER", "SAFETY", "HIGH",
                                "https://example.org/" + rule, "message", "recommendation", List.of(lines),
                                List.of(), List.of());
    }

    static PatientRegistered registered() {
        return new PatientRegistered(P, "A81001", "U12345", LocalDate.of(1950, 1, 1), Sex.FEMALE, false, Frailty.NONE);
    }

    static AlertRaised raised(String alertId, AlertFinding finding, LocalDate on) {
        return new AlertRaised(P, alertId, finding, on);
    }

    @Test
    void aRuleThatStartsToHoldRaisesAnOpenAlert() {
        fixture.given(registered())
               .when(new ReconcileAlerts(P, TODAY, List.of(finding("PINCER_GI_P3A", "L1"))))
               .expectEvents(raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY))
               .expectResultMessagePayload(new Recorded(1, null));
    }

    @Test
    void reconcilingTheSameFindingsAgainRaisesNothing() {
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(3)))
               .when(new ReconcileAlerts(P, TODAY, List.of(finding("PINCER_GI_P3A", "L1"))))
               .expectNoEvents();
    }

    @Test
    void theSameRuleOnOtherLinesIsAnotherAlert() {
        fixture.given(registered(), raised("A1", finding("STOPP_A3", "L1", "L2"), TODAY.minusDays(3)))
               .when(new ReconcileAlerts(P, TODAY, List.of(finding("STOPP_A3", "L1", "L2"),
                                                           finding("STOPP_A3", "L3", "L4"))))
               .expectEvents(raised("A2", finding("STOPP_A3", "L3", "L4"), TODAY));
    }

    @Test
    void anAlertWhoseRuleStopsHoldingIsResolved() {
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(3)),
                      raised("A2", finding("ACB_TOTAL_3"), TODAY.minusDays(3)))
               .when(new ReconcileAlerts(P, TODAY, List.of(finding("ACB_TOTAL_3"))))
               .expectEvents(new AlertResolved(P, "A1", TODAY));
    }

    @Test
    void anAcceptedAlertIsResolvedWhenItsRuleStopsHoldingAndNotRaisedAgainWhileItHolds() {
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(3)),
                      new AlertAnswered(P, "A1", AlertDecision.ACCEPTED, null, TODAY.minusDays(2), "gp-1"))
               .when(new ReconcileAlerts(P, TODAY, List.of(finding("PINCER_GI_P3A", "L1"))))
               .expectNoEvents();
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(3)),
                      new AlertAnswered(P, "A1", AlertDecision.ACCEPTED, null, TODAY.minusDays(2), "gp-1"))
               .when(new ReconcileAlerts(P, TODAY, List.of()))
               .expectEvents(new AlertResolved(P, "A1", TODAY));
    }

    @Test
    void aResolvedRuleThatHoldsAgainRaisesANewAlert() {
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(9)),
                      new AlertResolved(P, "A1", TODAY.minusDays(5)))
               .when(new ReconcileAlerts(P, TODAY, List.of(finding("PINCER_GI_P3A", "L1"))))
               .expectEvents(raised("A2", finding("PINCER_GI_P3A", "L1"), TODAY));
    }

    @Test
    void aClinicianAcceptsAnOpenAlert() {
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(1)))
               .when(new RespondToAlert(P, "A1", AlertDecision.ACCEPTED, null, TODAY, "pharmacist-7"))
               .expectEvents(new AlertAnswered(P, "A1", AlertDecision.ACCEPTED, null, TODAY, "pharmacist-7"));
    }

    @Test
    void declineNeedsAReason() {
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(1)))
               .when(new RespondToAlert(P, "A1", AlertDecision.DECLINED, "  ", TODAY, "gp-1"))
               .expectException(rejected("MISSING_FIELD", "reason"))
               .expectNoEvents();
    }

    @Test
    void anAlertIsAnsweredOnce() {
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(1)),
                      new AlertAnswered(P, "A1", AlertDecision.DECLINED, "palliative", TODAY, "gp-1"))
               .when(new RespondToAlert(P, "A1", AlertDecision.ACCEPTED, null, TODAY, "gp-1"))
               .expectException(rejected("ALERT_NOT_OPEN", "alertId"));
    }

    @Test
    void unknownAlertsAndDatesBeforeTheAlertAreRejected() {
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(1)))
               .when(new RespondToAlert(P, "A9", AlertDecision.ACCEPTED, null, TODAY, "gp-1"))
               .expectException(rejected("ALERT_NOT_FOUND", "alertId"));
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(1)))
               .when(new RespondToAlert(P, "A1", AlertDecision.ACCEPTED, null, TODAY.minusDays(2), "gp-1"))
               .expectException(rejected("INVALID_DATE", "respondedOn"));
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(1)))
               .when(new RespondToAlert(P, "A1", AlertDecision.ACCEPTED, null, TODAY.plusDays(1), "gp-1"))
               .expectException(rejected("INVALID_DATE", "respondedOn"));
    }

    @Test
    void aDeclinedAlertIsNotRaisedAgainForTheSameLinesWithin180Days() {
        LocalDate declinedOn = TODAY.minusDays(179);
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), declinedOn),
                      new AlertAnswered(P, "A1", AlertDecision.DECLINED, "specialist advice", declinedOn, "gp-1"))
               .when(new ReconcileAlerts(P, TODAY, List.of(finding("PINCER_GI_P3A", "L1"),
                                                           finding("PINCER_GI_P3A", "L2"))))
               // day 179 after the decline: still suppressed; the same rule on another line is a new alert
               .expectEvents(raised("A2", finding("PINCER_GI_P3A", "L2"), TODAY));
    }

    @Test
    void aDeclinedAlertIsRaisedAgainAfter180Days() {
        LocalDate declinedOn = TODAY.minusDays(180);
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), declinedOn),
                      new AlertAnswered(P, "A1", AlertDecision.DECLINED, "specialist advice", declinedOn, "gp-1"))
               .when(new ReconcileAlerts(P, TODAY, List.of(finding("PINCER_GI_P3A", "L1"))))
               .expectEvents(raised("A2", finding("PINCER_GI_P3A", "L1"), TODAY));
    }

    @Test
    void aDeclinedAlertIsNotResolvedByTheServer() {
        fixture.given(registered(), raised("A1", finding("PINCER_GI_P3A", "L1"), TODAY.minusDays(3)),
                      new AlertAnswered(P, "A1", AlertDecision.DECLINED, "specialist advice", TODAY, "gp-1"))
               .when(new ReconcileAlerts(P, TODAY, List.of()))
               .expectNoEvents();
    }

    private static org.hamcrest.Matcher<Rejected> rejected(String code, String field) {
        return new org.hamcrest.TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Rejected item) {
                return code.equals(item.code()) && field.equals(item.field());
            }

            @Override
            public void describeTo(org.hamcrest.Description description) {
                description.appendText("Rejected " + code + " on " + field);
            }
        };
    }
}
