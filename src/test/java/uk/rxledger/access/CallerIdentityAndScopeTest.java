package uk.rxledger.access;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.client.WebSocketGraphQlClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import uk.rxledger.support.ContractClient;
import uk.rxledger.support.TestTokens;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who the server thinks the caller is, and what each caller may reach, over real HTTP and GraphQL WebSocket:
 * caller-supplied actor headers change nothing (events, history and the access log name the token's {@code sub} and
 * role); the alert subscription pushes only the subscribed practice's alerts; the admin-only operations are
 * FORBIDDEN, with no data, to every other role.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CallerIdentityAndScopeTest {

    static final String NAPROXEN_500 = "1001010P0AAAEAE";
    static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));

    @LocalServerPort
    int port;

    static String practice(String prefix) {
        return prefix + ThreadLocalRandom.current().nextInt(10_000, 99_999);
    }

    /** A 70-year-old started on naproxen without gastroprotection: PINCER_GI_P3A is raised. */
    private static String patientWithAnAlert(ContractClient client, String practice) {
        String id = "who-" + UUID.randomUUID();
        assertThat(client.mutate("regimen.graphql", "RegisterPatient", Map.of("patientId", id, "practice", practice,
                "birthDate", TODAY.minusYears(70).minusDays(10).toString(), "sex", "FEMALE")).get("errors")).isEmpty();
        assertThat(client.mutate("regimen.graphql", "StartMedicine", Map.of("patientId", id,
                "medicineCode", NAPROXEN_500, "unitsPerDose", 1, "dosesPerDay", 2,
                "startedOn", TODAY.minusDays(3).toString())).get("errors")).isEmpty();
        return id;
    }

    @Test
    void callerSuppliedActorHeadersAreIgnoredEventsAndHistoryNameTheTokensSubjectAndRole() {
        String practice = practice("H");
        ContractClient spoofing = new ContractClient(port).as("pharm-real", Role.PHARMACIST, practice)
                .header("X-Actor", "mallory").header("X-Actor-Id", "mallory").header("X-Actor-Role", "ADMIN")
                .header("X-User-Id", "mallory").header("X-Role", "AUDITOR").header("X-Forwarded-User", "mallory");
        String patient = patientWithAnAlert(spoofing, practice);
        JsonNode alert = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(
                () -> spoofing.run("decision-support.graphql", "PatientAlerts", Map.of("id", patient))
                              .at("/data/patient/alerts/0"), a -> !a.isMissingNode() && a.has("id"));
        JsonNode answered = spoofing.mutate("decision-support.graphql", "RespondToAlert", Map.of("patientId", patient,
                "alertId", alert.get("id").asText(), "decision", "DECLINED", "reason", "agreed with the patient",
                "respondedOn", TODAY.toString()));
        assertThat(answered.get("errors")).isEmpty();
        assertThat(answered.at("/alert/response/respondedBy").asText()).isEqualTo("pharm-real");

        // the history, as an auditor reads it: every event the pharmacist caused names the token's sub and role
        ContractClient auditor = new ContractClient(port).as("auditor-who", Role.AUDITOR);
        JsonNode history = auditor.run("audit.graphql", "RegimenHistory", Map.of("patientId", patient, "first", 100));
        assertThat(history.has("errors")).as(history.toString()).isFalse();
        List<String> types = new ArrayList<>();
        history.at("/data/regimenHistory/edges").forEach(edge -> {
            JsonNode event = edge.get("node");
            String type = event.get("type").asText();
            types.add(type);
            if (!type.equals("AlertRaised") && !type.equals("AlertResolved")) { // the rules' own events
                assertThat(event.at("/actor/id").asText()).as(type).isEqualTo("pharm-real");
                assertThat(event.at("/actor/role").asText()).as(type).isEqualTo("PHARMACIST");
            }
        });
        assertThat(types).contains("PatientRegistered", "MedicineStarted", "AlertAnswered");
        assertThat(history.toString()).doesNotContain("mallory").doesNotContain("\"ADMIN\"");

        // and the access log records the token's subject and role too
        JsonNode log = auditor.run("audit.graphql", "AccessLog", Map.of("patientId", patient, "first", 100));
        List<String> actors = new ArrayList<>();
        log.at("/data/accessLog/edges").forEach(e -> actors.add(e.at("/node/actor/id").asText() + "/"
                                                                + e.at("/node/actor/role").asText()));
        assertThat(actors).contains("pharm-real/PHARMACIST").allMatch(
                a -> a.equals("pharm-real/PHARMACIST") || a.equals("auditor-who/AUDITOR"));
    }

    @Test
    void theAlertSubscriptionPushesOnlyTheSubscribedPracticesAlerts() throws Exception {
        String mine = practice("S");
        String theirs = practice("T");
        List<Map<?, ?>> pushed = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<WebSocketGraphQlClient> sockets = new ArrayList<>();
        List<Disposable> subscriptions = new ArrayList<>();
        // a clinician of this practice, and one who works at both but subscribes to this practice only
        for (String token : List.of(TestTokens.token("gp-sub", Role.CLINICIAN, mine),
                                    TestTokens.token("gp-both", Role.CLINICIAN, mine, theirs))) {
            WebSocketGraphQlClient ws = WebSocketGraphQlClient.builder(
                    URI.create("ws://127.0.0.1:" + port + "/graphql-ws"), new ReactorNettyWebSocketClient())
                    .interceptor(TestTokens.connectionInit(token)).build();
            sockets.add(ws);
            subscriptions.add(ws.document(ContractClient.document("decision-support.graphql"))
                    .operationName("AlertsRaised").variable("practice", mine)
                    .retrieveSubscription("alertRaised").toEntity(Map.class)
                    .subscribe(pushed::add, failures::add));
        }
        try {
            Thread.sleep(500); // the subscriptions are established before the alerts are raised
            ContractClient other = new ContractClient(port).as("gp-theirs", Role.CLINICIAN, theirs);
            String theirPatient = patientWithAnAlert(other, theirs);
            String myPatient = patientWithAnAlert(new ContractClient(port).as("gp-mine", Role.CLINICIAN, mine), mine);
            // both subscribers get this practice's alert (raised after the other practice's)
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> pushed.stream().filter(n -> myPatient.equals(n.get("patientId"))).count() >= 2);
            // one more alert of the other practice after ours, to catch anything delivered out of order
            String later = patientWithAnAlert(other, theirs);
            String lastOfMine = patientWithAnAlert(new ContractClient(port).as("gp-mine", Role.CLINICIAN, mine), mine);
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> pushed.stream().filter(n -> lastOfMine.equals(n.get("patientId"))).count() >= 2);
            assertThat(failures).isEmpty();
            assertThat(pushed.stream().map(n -> String.valueOf(n.get("patientId"))).toList()).containsOnly(myPatient, lastOfMine)
                              .doesNotContain(theirPatient, later);
        } finally {
            subscriptions.forEach(Disposable::dispose);
            sockets.forEach(ws -> ws.stop().block(Duration.ofSeconds(5)));
        }
    }

    @Test
    void adminOnlyOperationsAreForbiddenWithNoDataToEveryOtherRole() {
        String practice = practice("D");
        Map<String, String> operations = Map.of(
                "mutation RunDaily($i: RunDailyEvaluationInput!) { runDailyEvaluation(input: $i) "
                + "{ runId date patientsEvaluated startedAt finishedAt errors { code message field } } }",
                "runDailyEvaluation",
                "mutation Rebuild($i: RebuildReadModelInput!) { rebuildReadModel(input: $i) "
                + "{ rebuild { readModel status } errors { code message field } } }",
                "rebuildReadModel");
        Map<String, Map<String, Object>> inputs = Map.of(
                "runDailyEvaluation", Map.of("i", Map.of("practice", practice)),
                // an unknown read model: were it admitted, the answer would be UNKNOWN_READ_MODEL, not a rebuild
                "rebuildReadModel", Map.of("i", Map.of("readModel", "no-such-read-model")));
        ContractClient base = new ContractClient(port);
        Map<String, ContractClient> callers = new java.util.LinkedHashMap<>();
        callers.put("CLINICIAN", base.as(Role.CLINICIAN, practice));
        callers.put("PHARMACIST", base.as(Role.PHARMACIST, practice));
        callers.put("AUDITOR", base.as(Role.AUDITOR));
        callers.put("GOVERNANCE", base.as(Role.GOVERNANCE));
        callers.put("every other role", base.header("Authorization", TestTokens.bearer(TestTokens.token("many",
                List.of("CLINICIAN", "PHARMACIST", "AUDITOR", "GOVERNANCE"), List.of(practice), Duration.ofHours(1),
                TestTokens.SECRET))));
        callers.put("unknown role 'admin-ish'", base.header("Authorization", TestTokens.bearer(TestTokens.token(
                "admin-ish", List.of("ADMINISTRATOR", "SUPERUSER"), List.of(practice), Duration.ofHours(1),
                TestTokens.SECRET))));

        List<String> problems = new ArrayList<>();
        operations.forEach((document, field) -> callers.forEach((who, client) -> {
            JsonNode answer = client.post(document, null, inputs.get(field));
            JsonNode errors = answer.path("errors");
            boolean forbidden = errors.size() == 1
                                && "FORBIDDEN".equals(errors.get(0).at("/extensions/classification").asText())
                                && AccessGate.Denied.MESSAGE.equals(errors.get(0).get("message").asText());
            if (!forbidden || !answer.get("data").isNull()) {
                problems.add(field + " as " + who + ": " + answer);
            }
        }));
        assertThat(problems).isEmpty();

        // the control: an admin may run them (here: the daily evaluation of a practice with no patients)
        JsonNode admin = base.as(Role.ADMIN).post(operations.keySet().stream()
                .filter(d -> d.contains("runDailyEvaluation")).findFirst().orElseThrow(), null,
                inputs.get("runDailyEvaluation"));
        assertThat(admin.has("errors")).as(admin.toString()).isFalse();
        assertThat(admin.at("/data/runDailyEvaluation/patientsEvaluated").asInt()).isZero();
    }
}
