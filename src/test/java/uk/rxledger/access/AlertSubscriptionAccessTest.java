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
 * The alert subscription over a real GraphQL WebSocket (ADR 0012): a push selecting only the contract's summary
 * (AlertsRaised: patient id, alert id, category, severity, rule code, raised on) is a practice-level notification and
 * writes no access record; a push selecting alert detail (message, recommendation, evidence) is a single-patient read,
 * recorded (actor, role, operation name, purpose) for every pushed alert before it is delivered, as an auditor sees
 * with the contract's AccessLog operation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AlertSubscriptionAccessTest {

    static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));

    static final String DETAIL = """
            subscription AlertDetail($practice: String!) {
              alertRaised(practice: $practice) {
                patientId
                alert { id severity message recommendation evidence { observations } }
              }
            }""";

    @LocalServerPort
    int port;

    /** A 70-year-old started on naproxen without gastroprotection: PINCER_GI_P3A is raised. */
    private static String patientWithAnAlert(ContractClient client, String practice) {
        String id = "sub-" + UUID.randomUUID();
        assertThat(client.mutate("regimen.graphql", "RegisterPatient", Map.of("patientId", id, "practice", practice,
                "birthDate", TODAY.minusYears(70).minusDays(10).toString(), "sex", "FEMALE")).get("errors")).isEmpty();
        assertThat(client.mutate("regimen.graphql", "StartMedicine", Map.of("patientId", id,
                "medicineCode", "1001010P0AAAEAE", "unitsPerDose", 1, "dosesPerDay", 2,
                "startedOn", TODAY.minusDays(3).toString())).get("errors")).isEmpty();
        return id;
    }

    /** The access-log records of a patient under an operation name, as an auditor reads them. */
    private static List<JsonNode> records(ContractClient auditor, String patient, String operation) {
        JsonNode answer = auditor.run("audit.graphql", "AccessLog", Map.of("patientId", patient, "first", 100));
        assertThat(answer.has("errors")).as(answer.toString()).isFalse();
        List<JsonNode> found = new ArrayList<>();
        answer.at("/data/accessLog/edges").forEach(e -> {
            if (operation.equals(e.at("/node/operation").asText())) {
                found.add(e.get("node"));
            }
        });
        return found;
    }

    private static long pushesFor(List<Map<?, ?>> pushed, String patient) {
        return pushed.stream().filter(n -> patient.equals(n.get("patientId"))).count();
    }

    @Test
    void theContractsSummaryPushIsFreeButEveryPushOfAlertDetailIsRecordedBeforeItIsDelivered() throws Exception {
        String practice = "U" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
        List<Map<?, ?>> summary = new CopyOnWriteArrayList<>();
        List<Map<?, ?>> detail = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<WebSocketGraphQlClient> sockets = new ArrayList<>();
        List<Disposable> subscriptions = new ArrayList<>();
        WebSocketGraphQlClient contract = socket(TestTokens.token("gp-summary", Role.CLINICIAN, practice), null, sockets);
        subscriptions.add(contract.document(ContractClient.document("decision-support.graphql"))
                .operationName("AlertsRaised").variable("practice", practice)
                .retrieveSubscription("alertRaised").toEntity(Map.class).subscribe(summary::add, failures::add));
        WebSocketGraphQlClient reader = socket(TestTokens.token("gp-detail", Role.CLINICIAN, practice), "CLINICAL_GOVERNANCE", sockets);
        subscriptions.add(reader.document(DETAIL).operationName("AlertDetail").variable("practice", practice)
                .retrieveSubscription("alertRaised").toEntity(Map.class).subscribe(detail::add, failures::add));
        ContractClient auditor = new ContractClient(port).as("auditor-sub", Role.AUDITOR).header(Purpose.HEADER, "AUDIT");
        try {
            Thread.sleep(500); // the subscriptions are established before the alerts are raised
            ContractClient gp = new ContractClient(port).as("gp-writer", Role.CLINICIAN, practice);
            List<String> patients = List.of(patientWithAnAlert(gp, practice), patientWithAnAlert(gp, practice));
            for (String patient : patients) {
                // every pushed alert of detail has its own record, written before it was delivered
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(
                        () -> pushesFor(detail, patient) >= 1 && pushesFor(summary, patient) == pushesFor(detail, patient)
                              && records(auditor, patient, "AlertDetail").size() == pushesFor(detail, patient));
            }
            Thread.sleep(500); // anything still in flight
            assertThat(failures).isEmpty();
            for (String patient : patients) {
                List<JsonNode> logged = records(auditor, patient, "AlertDetail");
                assertThat(logged).as(patient).hasSize((int) pushesFor(detail, patient));
                logged.forEach(record -> {
                    assertThat(record.at("/actor/id").asText()).isEqualTo("gp-detail");
                    assertThat(record.at("/actor/role").asText()).isEqualTo("CLINICIAN");
                    assertThat(record.get("purpose").asText()).isEqualTo("CLINICAL_GOVERNANCE");
                });
                // the contract's own subscription, summary only, left no record: only the writer's and the reader's
                JsonNode all = auditor.run("audit.graphql", "AccessLog", Map.of("patientId", patient, "first", 100));
                all.at("/data/accessLog/edges").forEach(e -> assertThat(e.at("/node/actor/id").asText())
                        .isIn("gp-writer", "gp-detail", "auditor-sub"));
                assertThat(records(auditor, patient, "AlertsRaised")).isEmpty();
                assertThat(records(auditor, patient, "alertRaised")).isEmpty();
            }
            // both subscribers got the alerts; the detail subscriber got the detail, the contract's the summary
            detail.forEach(n -> {
                Map<?, ?> alert = (Map<?, ?>) n.get("alert");
                assertThat((String) alert.get("message")).isNotBlank();
                assertThat((String) alert.get("recommendation")).isNotBlank();
            });
            summary.forEach(n -> assertThat(((Map<?, ?>) n.get("alert")).get("rule")).isNotNull());
            assertThat(summary.stream().map(n -> String.valueOf(n.get("patientId"))).toList()).containsOnlyElementsOf(patients);
        } finally {
            subscriptions.forEach(Disposable::dispose);
            sockets.forEach(ws -> ws.stop().block(Duration.ofSeconds(5)));
        }
    }

    /** A GraphQL WebSocket client; the purpose of use, if any, is a header of its handshake. */
    private WebSocketGraphQlClient socket(String token, String purpose, List<WebSocketGraphQlClient> sockets) {
        WebSocketGraphQlClient.Builder<?> builder = WebSocketGraphQlClient.builder(
                        URI.create("ws://127.0.0.1:" + port + "/graphql-ws"), new ReactorNettyWebSocketClient())
                .interceptor(TestTokens.connectionInit(token));
        if (purpose != null) {
            builder.header(Purpose.HEADER, purpose);
        }
        WebSocketGraphQlClient ws = builder.build();
        sockets.add(ws);
        return ws;
    }
}
