package uk.rxledger.decisionsupport;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.client.WebSocketGraphQlClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import uk.rxledger.access.Role;
import uk.rxledger.support.ContractClient;
import uk.rxledger.support.TestTokens;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every operation of the contract's decision-support.graphql over HTTP (and the subscription over GraphQL
 * WebSocket), against alerts the server raises itself from the regimen.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DecisionSupportEndToEndTest {

    static final String DS = "decision-support.graphql";
    static final String REGIMEN = "regimen.graphql";
    static final String NAPROXEN_500 = "1001010P0AAAEAE";
    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";
    static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));

    @LocalServerPort
    int port;
    ContractClient client;
    String practice;

    @BeforeEach
    void setUp() {
        practice = "D" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
        client = new ContractClient(port).as("gp-42", Role.CLINICIAN, practice);
    }

    @Test
    void alertsAreRaisedNotifiedAnsweredAndListedOnTheWorklist() throws Exception {
        WebSocketGraphQlClient ws = WebSocketGraphQlClient.builder(
                URI.create("ws://127.0.0.1:" + port + "/graphql-ws"), new ReactorNettyWebSocketClient())
                .interceptor(TestTokens.connectionInit(TestTokens.token("gp-42", Role.CLINICIAN, practice))).build();
        Flux<Map> raised = ws.document(ContractClient.document(DS)).operationName("AlertsRaised")
                             .variable("practice", practice).retrieveSubscription("alertRaised").toEntity(Map.class);
        var notifications = raised.next().timeout(Duration.ofSeconds(30)).toFuture();
        Thread.sleep(500); // the subscription is established before the alert is raised

        String older = register(70, false);
        String nsaidLine = start(older, NAPROXEN_500, 2);

        Map<?, ?> notification = notifications.get(30, TimeUnit.SECONDS);
        assertThat(notification.get("patientId")).isEqualTo(older);
        Map<?, ?> pushed = (Map<?, ?>) notification.get("alert");
        assertThat(((Map<?, ?>) pushed.get("rule")).get("code")).isEqualTo("PINCER_GI_P3A");
        assertThat(pushed.get("category")).isEqualTo("SAFETY");
        assertThat(pushed.get("raisedOn")).isEqualTo(TODAY.toString());
        ws.stop().block(Duration.ofSeconds(5));

        JsonNode alert = openAlert(older, "PINCER_GI_P3A");
        assertThat(alert.get("status").asText()).isEqualTo("OPEN");
        assertThat(alert.at("/rule/source").asText()).isEqualTo("PINCER");
        assertThat(alert.at("/rule/version").asText()).isNotBlank();
        assertThat(alert.at("/rule/evidenceUrl").asText()).startsWith("https://");
        assertThat(alert.at("/evidence/lineIds").get(0).asText()).isEqualTo(nsaidLine);
        assertThat(alert.get("message").asText()).isNotBlank();
        assertThat(alert.get("recommendation").asText()).isNotBlank();
        assertThat(alert.get("response").isNull()).isTrue();

        JsonNode noReason = respond(older, alert.get("id").asText(), "DECLINED", null);
        assertThat(noReason.at("/errors/0/code").asText()).isEqualTo("MISSING_FIELD");
        assertThat(noReason.at("/errors/0/field").asText()).isEqualTo("reason");
        JsonNode declined = respond(older, alert.get("id").asText(), "DECLINED", "Short course agreed with rheumatology");
        assertThat(declined.get("errors")).isEmpty();
        assertThat(declined.at("/alert/status").asText()).isEqualTo("DECLINED");
        assertThat(declined.at("/alert/response/decision").asText()).isEqualTo("DECLINED");
        assertThat(declined.at("/alert/response/reason").asText()).isEqualTo("Short course agreed with rheumatology");
        assertThat(declined.at("/alert/response/respondedBy").asText()).isEqualTo("gp-42");
        assertThat(respond(older, "A999", "ACCEPTED", null).at("/errors/0/code").asText()).isEqualTo("ALERT_NOT_FOUND");

        // A care-home resident on an opioid without a laxative: SMR eligible, with a STOPP alert.
        String careHome = register(82, true);
        start(careHome, "0407020C0AAAEAE", 4); // codeine 30 mg
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode smr = patientAlerts(careHome, null).at("/data/patient/smrEligibility");
            assertThat(smr.get("eligible").asBoolean()).isTrue();
            assertThat(smr.get("reasons")).extracting(JsonNode::asText).contains("SMR_CARE_HOME", "SMR_ADDICTIVE");
        });
        String young = register(40, false);
        start(young, OMEPRAZOLE_20, 1);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode page = worklist(null, null, null).at("/data/practiceWorklist");
            assertThat(page.get("totalCount").asInt()).isEqualTo(3);
            List<String> order = StreamSupport.stream(page.get("edges").spliterator(), false)
                    .map(e -> e.at("/node/patient/id").asText()).toList();
            // the declined alert no longer counts: only the care-home patient has open alerts and SMR eligibility
            assertThat(order.get(0)).isEqualTo(careHome);
            assertThat(order).containsExactlyInAnyOrder(careHome, older, young);
        });
        JsonNode top = worklist(null, null, null).at("/data/practiceWorklist/edges/0/node");
        assertThat(top.get("smrEligible").asBoolean()).isTrue();
        assertThat(top.get("openAlertCount").asInt()).isPositive();
        assertThat(top.at("/patient/age").asInt()).isEqualTo(82);
        assertThat(top.at("/patient/activeMedicineCount").asInt()).isEqualTo(1);
        assertThat(top.get("priorityScore").asDouble()).isGreaterThan(
                worklist(null, null, null).at("/data/practiceWorklist/edges/1/node/priorityScore").asDouble());

        assertThat(ids(worklist(Map.of("smrEligible", true), null, null))).containsExactly(careHome);
        assertThat(ids(worklist(Map.of("hasOpenAlerts", false), null, null))).contains(young).doesNotContain(careHome);
        assertThat(ids(worklist(Map.of("category", "SAFETY"), null, null))).doesNotContain(young, older);
        assertThat(ids(worklist(Map.of("minActiveMedicines", 2), null, null))).isEmpty();

        JsonNode first = worklist(null, 1, null).at("/data/practiceWorklist");
        assertThat(first.at("/pageInfo/hasNextPage").asBoolean()).isTrue();
        JsonNode second = worklist(null, 2, first.at("/pageInfo/endCursor").asText()).at("/data/practiceWorklist");
        assertThat(ids(second.at("/edges"))).containsExactlyInAnyOrder(older, young);
        assertThat(second.at("/pageInfo/hasNextPage").asBoolean()).isFalse();
        assertThat(worklist(null, 101, null).at("/errors/0/extensions/classification").asText())
                .isEqualTo("BAD_REQUEST");
    }

    @Test
    void anAlertIsResolvedWhenItsRuleStopsHolding() {
        String patient = register(75, false);
        start(patient, NAPROXEN_500, 2);
        String alertId = openAlert(patient, "PINCER_GI_P3A").get("id").asText();
        start(patient, OMEPRAZOLE_20, 1); // gastroprotection makes the NSAID safe
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode alerts = patientAlerts(patient, List.of("RESOLVED")).at("/data/patient/alerts");
            assertThat(alerts).extracting(a -> a.get("id").asText()).contains(alertId);
            JsonNode resolved = StreamSupport.stream(alerts.spliterator(), false)
                    .filter(a -> a.get("id").asText().equals(alertId)).findFirst().orElseThrow();
            assertThat(resolved.get("resolvedOn").asText()).isEqualTo(TODAY.toString());
        });
        assertThat(patientAlerts(patient, List.of("OPEN")).at("/data/patient/alerts"))
                .extracting(a -> a.at("/rule/code").asText()).doesNotContain("PINCER_GI_P3A");
    }

    @Test
    void theRulesInForceAreListed() {
        JsonNode rules = client.run(DS, "DecisionRules", Map.of()).at("/data/decisionRules");
        assertThat(rules).extracting(r -> r.get("code").asText()).contains(
                "PINCER_GI_P3A", "PINCER_GI_P3B", "PINCER_GI_P3C", "PINCER_GI_P3D", "PINCER_GI_P3E", "PINCER_GI_P3F",
                "PINCER_AS_P3G", "PINCER_HF_P3I", "PINCER_KI_P3K", "PINCER_MO_P13", "PINCER_MO_P15", "PINCER_MO_P17",
                "PINCER_MO_P18", "STOPP_A3", "STOPP_B3", "STOPP_D5", "STOPP_E4", "STOPP_E6", "STOPP_F2", "STOPP_K1",
                "STOPP_L2", "STOPP_M1", "ACB_TOTAL_3", "SMR_POLYPHARMACY", "SMR_ADDICTIVE", "SMR_CARE_HOME",
                "SMR_SEVERE_FRAILTY", "PDC_LOW", "FORMULARY_SWITCH");
        assertThat(rules).allSatisfy(r -> {
            assertThat(r.get("version").asText()).isNotBlank();
            assertThat(r.get("evidenceUrl").asText()).startsWith("https://");
            assertThat(r.get("category").asText()).isIn("SAFETY", "MONITORING", "REVIEW", "ADHERENCE", "COST");
        });
    }

    // ------------------------------------------------------------------ helpers

    private String register(int age, boolean careHome) {
        String id = "ds-" + java.util.UUID.randomUUID();
        JsonNode payload = client.mutate(REGIMEN, "RegisterPatient", Map.of("patientId", id, "practice", practice,
                "birthDate", TODAY.minusYears(age).minusDays(10).toString(), "sex", "FEMALE",
                "careHomeResident", careHome));
        assertThat(payload.get("errors")).isEmpty();
        return id;
    }

    private String start(String patientId, String code, double dosesPerDay) {
        JsonNode payload = client.mutate(REGIMEN, "StartMedicine", Map.of("patientId", patientId,
                "medicineCode", code, "unitsPerDose", 1, "dosesPerDay", dosesPerDay,
                "startedOn", TODAY.minusDays(3).toString()));
        assertThat(payload.get("errors")).as(payload.toString()).isEmpty();
        return payload.at("/line/id").asText();
    }

    private JsonNode openAlert(String patientId, String rule) {
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> StreamSupport.stream(patientAlerts(patientId, List.of("OPEN")).at("/data/patient/alerts")
                                                                                .spliterator(), false)
                                   .filter(a -> a.at("/rule/code").asText().equals(rule)).findFirst().orElse(null),
                java.util.Objects::nonNull);
    }

    private JsonNode patientAlerts(String patientId, List<String> status) {
        Map<String, Object> variables = new java.util.HashMap<>();
        variables.put("id", patientId);
        variables.put("status", status);
        return client.run(DS, "PatientAlerts", variables);
    }

    private JsonNode respond(String patientId, String alertId, String decision, String reason) {
        Map<String, Object> input = new java.util.HashMap<>(Map.of("patientId", patientId, "alertId", alertId,
                "decision", decision, "respondedOn", TODAY.toString()));
        if (reason != null) {
            input.put("reason", reason);
        }
        return client.mutate(DS, "RespondToAlert", input);
    }

    private JsonNode worklist(Map<String, ?> filter, Integer first, String after) {
        Map<String, Object> variables = new java.util.HashMap<>();
        variables.put("practice", practice);
        variables.put("filter", filter);
        variables.put("first", first);
        variables.put("after", after);
        return client.run(DS, "PracticeWorklist", variables);
    }

    private static List<String> ids(JsonNode response) {
        JsonNode edges = response.has("data") ? response.at("/data/practiceWorklist/edges") : response;
        return StreamSupport.stream(edges.spliterator(), false).map(e -> e.at("/node/patient/id").asText()).toList();
    }
}
