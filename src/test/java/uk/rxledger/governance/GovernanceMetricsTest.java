package uk.rxledger.governance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.audit.ReadModelRebuilds;
import uk.rxledger.decisionsupport.WorklistEntry;
import uk.rxledger.decisionsupport.WorklistProjection;
import uk.rxledger.domain.Rejected;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.AlertDecision;
import uk.rxledger.regimen.AlertRaised;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.MedicineStarted;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.RegimenCommands.ChangeDose;
import uk.rxledger.regimen.RegimenCommands.CompleteMedicationReview;
import uk.rxledger.regimen.RegimenCommands.DeprescribeMedicine;
import uk.rxledger.regimen.RegimenCommands.RecordAdherenceCheck;
import uk.rxledger.regimen.RegimenCommands.RecordDispensing;
import uk.rxledger.regimen.RegimenCommands.RegisterPatient;
import uk.rxledger.regimen.RegimenCommands.RespondToAlert;
import uk.rxledger.regimen.RegimenCommands.StartMedicine;
import uk.rxledger.regimen.RegimenCommands.SwitchMedicine;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;
import uk.rxledger.access.Role;
import uk.rxledger.support.TestTokens;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Governance counters from live events, tagged by practice and PCN only; no double counting through replays or
 * rebuilds; state gauges from the worklist; and the operations metrics the endpoint exposes.
 */
@AutoConfigureObservability // Boot's tests otherwise replace the Prometheus registry and skip GraphQL observations
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
                properties = "rxledger.metrics.state-initial-delay-ms=3600000") // refreshed by hand below
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GovernanceMetricsTest {

    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";
    static final String PANTOPRAZOLE_20 = "0103050R0AAABAB";
    static final String DIAZEPAM_2 = "0401020K0AAAHAH";
    static final String ATORVASTATIN_20 = "0212000B0AAABAB";
    static final String IBUPROFEN_400 = "1001010J0AAAEAE";

    @Autowired CommandGateway gateway;
    @Autowired MeterRegistry registry;
    @Autowired EventProcessingConfiguration processing;
    @Autowired EventStore eventStore;
    @Autowired PatientProjection patients;
    @Autowired WorklistProjection worklist;
    @Autowired PracticeStateGauges gauges;
    @Autowired GovernanceMetrics metrics;
    @Autowired ReadModelRebuilds rebuilds;
    @Autowired Clock clock;
    @LocalServerPort int port;

    final Random random = new Random();
    final String practiceA = "Q" + (10_000 + random.nextInt(89_999));
    final String practiceB = "R" + (10_000 + random.nextInt(89_999));
    final String pcn = "U" + (10_000 + random.nextInt(89_999));
    final String patientA = "gm-" + random.nextInt(1_000_000) + "-a";
    final String patientB = "gm-" + random.nextInt(1_000_000) + "-b";
    LocalDate today;

    @BeforeAll
    void driveOnePatientThroughEveryKindOfEvent() {
        today = LocalDate.now(clock);
        // The metrics processor starts at the head of the stream: wait until it has fixed that starting point.
        await().atMost(Duration.ofSeconds(30)).until(() -> processing
                .eventProcessor(GovernanceMetrics.PROCESSING_GROUP, StreamingEventProcessor.class)
                .map(p -> !p.processingStatus().isEmpty()).orElse(false));

        send(new RegisterPatient(patientA, practiceA, pcn, today.minusYears(80), Sex.FEMALE, false, Frailty.MILD));
        send(new StartMedicine(patientA, OMEPRAZOLE_20, 1, 1, days(60), null, null));          // L1
        send(new RecordDispensing(patientA, "L1", 28, days(60)));
        send(new RecordDispensing(patientA, "L1", 28, days(32)));
        send(new StartMedicine(patientA, DIAZEPAM_2, 1, 3, days(40), null, null));             // L2
        send(new RecordDispensing(patientA, "L2", 84, days(40)));
        send(new ChangeDose(patientA, "L2", 1, 1, days(30), "taper"));
        send(new StartMedicine(patientA, ATORVASTATIN_20, 1, 1, days(40), null, null));        // L3
        send(new RecordDispensing(patientA, "L3", 28, days(40)));
        send(new RecordAdherenceCheck(patientA, "L3", days(20), AdherenceMethod.PILL_COUNT, days(40), days(20),
                                      30.0, null));
        send(new RecordAdherenceCheck(patientA, "L3", days(20), AdherenceMethod.SELF_REPORT, days(27), days(20),
                                      null, 0.0));
        // 56 dispensed - 40 days = 16 capsules x 3.07 p = 49 p wasted; (3.07 - 3.6) x 365 = 193 p a year dearer
        send(new SwitchMedicine(patientA, "L1", PANTOPRAZOLE_20, 1, 1, days(20), SwitchReason.FORMULARY, null));
        // 84 - (10 x 3 + 10 x 1) = 44 tablets x 3 p = 132 p wasted; 1 x 3 p x 365 = 1095 p a year saved
        send(new DeprescribeMedicine(patientA, "L2", days(20), DeprescribeReason.HIGH_RISK, null, "taper"));
        send(new CompleteMedicationReview(patientA, days(1), "pharmacist-1", ReviewKind.STRUCTURED, null));

        // An NSAID at 70 with no gastroprotection: the rules raise an alert, which a clinician accepts.
        send(new RegisterPatient(patientB, practiceB, null, today.minusYears(70), Sex.MALE, false, Frailty.NONE));
        send(new StartMedicine(patientB, IBUPROFEN_400, 1, 3, days(10), null, null));
        PatientView.AlertView alert = await().atMost(Duration.ofSeconds(20))
                .until(() -> patients.find(patientB).map(v -> v.openAlerts()).filter(a -> !a.isEmpty())
                                     .map(a -> a.get(0)).orElse(null), a -> a != null);
        send(new RespondToAlert(patientB, alert.id, AlertDecision.ACCEPTED, null, today, "clinician-1"));
    }

    @Test
    void everyKindOfEventIsCountedOnceUnderItsPracticeAndPcn() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(count("rxledger.patients.registered", practiceA, pcn)).isEqualTo(1);
            assertThat(count("rxledger.medicines.started", practiceA, pcn)).isEqualTo(3);
            assertThat(count("rxledger.dispensings", practiceA, pcn)).isEqualTo(4);
            assertThat(count("rxledger.dose.changes", practiceA, pcn)).isEqualTo(1);
            assertThat(count("rxledger.medicine.switches", practiceA, pcn, "reason", "FORMULARY")).isEqualTo(1);
            assertThat(count("rxledger.medicine.switches", practiceA, pcn, "reason", "SAFETY")).isZero();
            assertThat(count("rxledger.deprescribings", practiceA, pcn, "reason", "HIGH_RISK")).isEqualTo(1);
            assertThat(count("rxledger.adherence.checks", practiceA, pcn, "method", "PILL_COUNT",
                             "adherent", "false")).isEqualTo(1);
            assertThat(count("rxledger.adherence.checks", practiceA, pcn, "method", "SELF_REPORT",
                             "adherent", "true")).isEqualTo(1);
            assertThat(count("rxledger.medication.reviews", practiceA, pcn, "kind", "STRUCTURED")).isEqualTo(1);
            assertThat(count("rxledger.waste.pence", practiceA, pcn, "category", "SWITCHED_WITH_SUPPLY"))
                    .isEqualTo(49);
            assertThat(count("rxledger.waste.pence", practiceA, pcn, "category", "STOPPED_WITH_SUPPLY"))
                    .isEqualTo(132);
            // pill count: 30 found, 28 - 20 = 8 on hand: 22 x 3.2 p
            assertThat(count("rxledger.waste.pence", practiceA, pcn, "category", "UNUSED_STOCKPILE"))
                    .isEqualTo(70);
            assertThat(count("rxledger.savings.annual.pence", practiceA, pcn, "kind", "DEPRESCRIBE"))
                    .isEqualTo(1095);
            assertThat(count("rxledger.cost.increase.annual.pence", practiceA, pcn, "kind", "SWITCH"))
                    .isEqualTo(193);
            assertThat(count("rxledger.medicines.started", practiceB, "NONE")).isEqualTo(1);
        });
    }

    @Test
    void alertsAreCountedByRuleAsTheStreamRecordsThem() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Integer> raised = new HashMap<>();
            eventStore.readEvents(patientB).asStream().map(m -> m.getPayload())
                      .filter(AlertRaised.class::isInstance).map(AlertRaised.class::cast)
                      .forEach(e -> raised.merge(e.finding().ruleCode(), 1, Integer::sum));
            assertThat(raised).isNotEmpty();
            raised.forEach((rule, n) -> assertThat(count("rxledger.alerts.raised", practiceB, "NONE", "rule", rule))
                    .as(rule).isEqualTo((double) n));
            double answered = registry.find("rxledger.alerts.answered").tags("practice", practiceB)
                                      .counters().stream().mapToDouble(Counter::count).sum();
            assertThat(answered).isEqualTo(1);
            assertThat(registry.find("rxledger.alerts.answered").tags("practice", practiceB, "decision", "ACCEPTED")
                               .counters()).singleElement()
                    .satisfies(c -> assertThat(raised).containsKey(c.getId().getTag("rule")));
        });
    }

    @Test
    void theMetricsProcessorCannotBeRebuiltAndIgnoresReplayedEvents() {
        StreamingEventProcessor processor = processing
                .eventProcessor(GovernanceMetrics.PROCESSING_GROUP, StreamingEventProcessor.class).orElseThrow();
        assertThat(processor.supportsReset()).isFalse();
        assertThatThrownBy(() -> rebuilds.rebuild(GovernanceMetrics.PROCESSING_GROUP))
                .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.code()).isEqualTo("REBUILD_NOT_SUPPORTED"));
        assertThatThrownBy(processor::resetTokens).isInstanceOf(IllegalStateException.class);
        assertThat(processor.isRunning()).isTrue();

        // An event delivered as part of a replay counts nothing; delivered live, it counts.
        String practice = "S" + (10_000 + random.nextInt(89_999));
        String patient = "gm-replay-" + random.nextInt(1_000_000);
        send(new RegisterPatient(patient, practice, null, today.minusYears(50), Sex.FEMALE, false, Frailty.NONE));
        await().atMost(Duration.ofSeconds(20))
               .until(() -> count("rxledger.patients.registered", practice, "NONE") == 1);
        MedicineStarted started = new MedicineStarted(patient, "L1", OMEPRAZOLE_20, 1, 1, today, null, null);
        metrics.on(started, 1, ReplayStatus.REPLAY);
        assertThat(count("rxledger.medicines.started", practice, "NONE")).isZero();
        metrics.on(started, 1, ReplayStatus.REGULAR);
        assertThat(count("rxledger.medicines.started", practice, "NONE")).isEqualTo(1);
    }

    @Test
    void stateGaugesComeFromTheWorklistPerPractice() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            WorklistEntry a = worklist.entries().find(eq("_id", patientA)).first();
            WorklistEntry b = worklist.entries().find(eq("_id", patientB)).first();
            assertThat(a).isNotNull();
            assertThat(b).isNotNull();
            assertThat(b.lastSeq).isEqualTo(patients.find(patientB).orElseThrow().lastSeq);
            List<PracticeStateGauges.PracticeState> states = gauges.refresh();
            assertThat(states).contains(
                    new PracticeStateGauges.PracticeState(practiceA, pcn, 1, a.openAlertCount > 0 ? 1 : 0,
                                                          a.openAlertCount, a.openSafetyAlertCount,
                                                          a.smrEligible ? 1 : 0),
                    new PracticeStateGauges.PracticeState(practiceB, "NONE", 1, b.openAlertCount > 0 ? 1 : 0,
                                                          b.openAlertCount, b.openSafetyAlertCount,
                                                          b.smrEligible ? 1 : 0));
            assertThat(registry.get("rxledger.practice.patients").tags("practice", practiceA, "pcn", pcn).gauge()
                               .value()).isEqualTo(1);
            assertThat(registry.get("rxledger.practice.smr.eligible.patients").tags("practice", practiceB).gauge()
                               .value()).isEqualTo(b.smrEligible ? 1 : 0);
        });
    }

    @Test
    void theEndpointShowsOperationsMetricsAndNoPatientIdentifiers() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> graphql = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
                .header("Content-Type", "application/json")
                .header("Authorization", TestTokens.bearer(TestTokens.token("governance-1", Role.GOVERNANCE)))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"query\":\"{ medicines(search: \\\"omeprazole 20\\\") { edges { node { code } } } }\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(graphql.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(scrape).contains(
                    // Axon: command bus (with latency buckets), event store, processors
                    "commandBus_allTimer_seconds_bucket{", "commandBus_failureCounter_total{",
                    "eventStore_ingestedCounter_total", "eventProcessor_latency{processorName=\"patients\"}",
                    "eventProcessor_capacity{", "eventProcessor_processedCounter_total{",
                    "eventProcessor_failureCounter_total{",
                    "rxledger_processor_lag_events{processorName=\"governance-metrics\"}",
                    "rxledger_processor_segments_claimed{", "rxledger_processor_segments{",
                    // GraphQL requests and data fetchers, with buckets
                    "graphql_request_seconds_bucket{", "graphql_datafetcher_seconds_bucket{",
                    "graphql_field_name=\"medicines\"",
                    // MongoDB driver commands and pool; JVM
                    "mongodb_driver_commands_seconds_count{", "mongodb_driver_pool_size{", "jvm_memory_used_bytes{",
                    // governance
                    "rxledger_medicines_started_total{pcn=\"" + pcn + "\",practice=\"" + practiceA + "\"} 3.0",
                    "rxledger_practice_patients{");
            assertThat(scrape).doesNotContain(patientA, patientB, "cluster_id");
            assertThat(scrape).doesNotContainPattern("[{,](patient|message|event|alert|line)[A-Za-z_]*=\"");
            assertThat(scrape).doesNotContain("rxledger_processor_segments{processorName=\"patients\"} NaN");
        });
    }

    private double count(String name, String practice, String pcn, String... tags) {
        Counter counter = registry.find(name).tags("practice", practice, "pcn", pcn).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private LocalDate days(int ago) {
        return today.minusDays(ago);
    }

    private void send(Object command) {
        gateway.sendAndWait(command);
    }
}
