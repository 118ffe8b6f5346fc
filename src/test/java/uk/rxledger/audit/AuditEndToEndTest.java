package uk.rxledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.ClockConfiguration;
import uk.rxledger.eventstore.EventHashChain;
import uk.rxledger.regimen.AlertFinding;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.RegimenCommands;
import uk.rxledger.access.Role;
import uk.rxledger.support.ContractClient;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract's audit.graphql operations (AccessLog: AccessLogEndToEndTest), sent as auditors' tools send them: the contract's own
 * documents over HTTP to the application on the embedded MongoDB.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditEndToEndTest {

    static final String REGIMEN = "regimen.graphql";
    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";
    static final String ESOMEPRAZOLE_20 = "0103050E0AAAAAA";
    static final String NAPROXEN_500 = "1001010P0AAAEAE";
    static final LocalDate TODAY = LocalDate.now(ClockConfiguration.ZONE);

    @LocalServerPort
    int port;
    @Autowired
    MongoDatabase database;
    @Autowired
    CommandGateway commands;
    @Autowired
    PatientProjection patients;
    @Autowired
    PatientStreams streams;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    EventStore eventStore;

    ContractClient client;
    AuditOperations audit;
    Settling settling;
    String patientId;
    String correlationId;

    /** What the live read model showed at an instant. */
    record Captured(String step, OffsetDateTime at, long lastSeq, List<String> activeLines, List<String> openAlerts) {
    }

    @BeforeEach
    void setUp() {
        correlationId = "corr-" + UUID.randomUUID();
        client = new ContractClient(port).as("pharmacist-7", Role.PHARMACIST, "A81001")
                                         .header("X-Correlation-Id", correlationId);
        patientId = "audit-e2e-" + UUID.randomUUID();
        audit = new AuditOperations(client.as("auditor-3", Role.AUDITOR).header("X-Purpose-Of-Use", "AUDIT"));
        settling = new Settling(processing, eventStore, streams);
    }

    @Test
    void theRegimenAsOfEachInstantEqualsWhatTheLiveReadModelShowedThen() throws InterruptedException {
        List<Captured> captured = new ArrayList<>();
        OffsetDateTime beforeRegistration = now();
        Thread.sleep(5);
        mutate("RegisterPatient", Map.of("patientId", patientId, "practice", "A81001", "pcn", "U12345",
                "birthDate", "1948-05-17", "sex", "FEMALE", "careHomeResident", true, "frailty", "MODERATE"));
        captured.add(capture("registered"));
        String esomeprazole = mutate("StartMedicine", Map.of("patientId", patientId, "medicineCode", ESOMEPRAZOLE_20,
                "unitsPerDose", 1, "dosesPerDay", 1, "startedOn", day(-120), "indication", "gastroprotection"))
                .at("/line/id").asText();
        captured.add(capture("esomeprazole started"));
        String naproxen = mutate("StartMedicine", Map.of("patientId", patientId, "medicineCode", NAPROXEN_500,
                "unitsPerDose", 1, "dosesPerDay", 2, "startedOn", day(-90))).at("/line/id").asText();
        captured.add(capture("naproxen started"));
        mutate("RecordDispensing", Map.of("patientId", patientId, "lineId", esomeprazole, "quantity", 28,
                "dispensedOn", day(-60)));
        mutate("ChangeDose", Map.of("patientId", patientId, "lineId", esomeprazole, "unitsPerDose", 2,
                "dosesPerDay", 1, "changedOn", day(-50), "reason", "symptoms not controlled"));
        captured.add(capture("dose doubled"));
        // An alert raised directly (as the rules would), then the rules' own reconciliation takes over again.
        commands.sendAndWait(new RegimenCommands.ReconcileAlerts(patientId, TODAY, List.of(finding("AUDIT_TEST",
                esomeprazole, naproxen))));
        captured.add(capture("alert raised"));
        mutate("SwitchMedicine", Map.of("patientId", patientId, "lineId", esomeprazole, "toMedicineCode",
                OMEPRAZOLE_20, "unitsPerDose", 1, "dosesPerDay", 1, "switchedOn", day(-40),
                "reason", "COST_EFFECTIVENESS", "unusedQuantity", 4));
        captured.add(capture("switched"));
        mutate("DeprescribeMedicine", Map.of("patientId", patientId, "lineId", naproxen, "stoppedOn", day(-10),
                "reason", "HIGH_RISK", "taperPlan", "stop"));
        captured.add(capture("deprescribed"));
        commands.sendAndWait(new RegimenCommands.ReconcileAlerts(patientId, TODAY, List.of()));
        captured.add(capture("alerts resolved"));

        // The scenario did cover what it claims: alerts opened and closed, lines started, switched and stopped.
        assertThat(captured).anyMatch(c -> c.openAlerts().stream().anyMatch(a -> a.contains("AUDIT_TEST")));
        assertThat(captured.get(captured.size() - 1).openAlerts()).isEmpty();
        assertThat(captured.get(3).activeLines()).anyMatch(l -> l.contains(ESOMEPRAZOLE_20 + " 2.0x1.0"));
        assertThat(captured.get(captured.size() - 1).activeLines()).hasSize(1)
                .allMatch(l -> l.contains(OMEPRAZOLE_20));

        for (Captured then : captured) {
            JsonNode asOf = audit.run("RegimenAsOf", Map.of("patientId", patientId, "at", then.at().toString()));
            assertThat(asOf.get("errors")).as(then.step()).isNull();
            JsonNode regimen = asOf.at("/data/regimenAsOf");
            assertThat(regimen.get("patientId").asText()).isEqualTo(patientId);
            assertThat(OffsetDateTime.parse(regimen.get("asOf").asText()).toInstant()).isEqualTo(then.at().toInstant());
            assertThat(regimen.get("lastSequence").asLong()).as(then.step()).isEqualTo(then.lastSeq());
            assertThat(lines(regimen.get("activeMedicines"))).as(then.step()).isEqualTo(then.activeLines());
            assertThat(alerts(regimen.get("openAlerts"))).as(then.step()).isEqualTo(then.openAlerts());
        }
        assertThat(audit.run("RegimenAsOf", Map.of("patientId", patientId,
                "at", beforeRegistration.toString())).at("/data/regimenAsOf").isNull()).isTrue();
    }

    @Test
    void historyListsEveryStoredEventInOrderWithItsAuditFieldsAndTheChainVerifies() throws Exception {
        mutate("RegisterPatient", Map.of("patientId", patientId, "practice", "A81001", "birthDate", "1950-03-01",
                "sex", "MALE"));
        String line = mutate("StartMedicine", Map.of("patientId", patientId, "medicineCode", OMEPRAZOLE_20,
                "unitsPerDose", 1, "dosesPerDay", 1, "startedOn", day(-30))).at("/line/id").asText();
        for (int i = 0; i < 6; i++) {
            mutate("RecordDispensing", Map.of("patientId", patientId, "lineId", line, "quantity", 7,
                    "dispensedOn", day(-29 + i)));
        }
        mutate("SwitchMedicine", Map.of("patientId", patientId, "lineId", line, "toMedicineCode", ESOMEPRAZOLE_20,
                "unitsPerDose", 1, "dosesPerDay", 1, "switchedOn", day(-5), "reason", "SIDE_EFFECTS"));
        settling.settle(patientId);
        List<Document> stored = database.getCollection("events").find(Filters.eq("aggregateId", patientId))
                                        .sort(Sorts.ascending("seq")).into(new ArrayList<>());
        assertThat(stored).hasSizeGreaterThanOrEqualTo(9);

        List<JsonNode> nodes = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Map<String, Object> variables = new HashMap<>(Map.of("patientId", patientId, "first", 4));
            if (after != null) {
                variables.put("after", after);
            }
            JsonNode response = audit.run("RegimenHistory", variables);
            assertThat(response.get("errors")).isNull();
            JsonNode page = response.at("/data/regimenHistory");
            assertThat(page.get("totalCount").asInt()).isEqualTo(stored.size());
            page.get("edges").forEach(e -> nodes.add(e.get("node")));
            assertThat(page.get("edges")).hasSizeLessThanOrEqualTo(4);
            after = page.at("/pageInfo/hasNextPage").asBoolean() ? page.at("/pageInfo/endCursor").asText() : null;
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo((stored.size() + 3) / 4);
        assertThat(nodes).hasSize(stored.size());

        String previous = EventHashChain.GENESIS;
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode node = nodes.get(i);
            Document document = stored.get(i);
            assertThat(node.get("sequence").asLong()).isEqualTo(i);
            String payloadType = document.getString("payloadType");
            assertThat(node.get("type").asText()).isEqualTo(payloadType.substring(payloadType.lastIndexOf('.') + 1));
            assertThat(node.get("revision").asText()).isEqualTo(document.getString("payloadRevision"));
            assertThat(Instant.parse(node.get("recordedAt").asText()))
                    .isEqualTo(document.getDate("recordedAt").toInstant());
            assertThat(node.get("payload")).isEqualTo(ContractClient.JSON.readTree(document.getString("payload")));
            assertThat(node.get("hash").asText()).isEqualTo(document.getString("hash"));
            assertThat(node.get("previousHash").asText()).isEqualTo(previous);
            previous = node.get("hash").asText();
        }
        JsonNode registered = nodes.get(0);
        assertThat(registered.get("type").asText()).isEqualTo("PatientRegistered");
        assertThat(registered.get("occurredOn").asText()).isEqualTo(
                stored.get(0).getDate("recordedAt").toInstant().atZone(ClockConfiguration.ZONE).toLocalDate().toString());
        assertThat(registered.at("/actor/id").asText()).isEqualTo("pharmacist-7");
        assertThat(registered.at("/actor/role").asText()).isEqualTo("PHARMACIST");
        assertThat(registered.get("correlationId").asText()).isEqualTo(correlationId);
        assertThat(registered.at("/payload/birthDate").asText()).isEqualTo("1950-03-01");
        JsonNode started = nodes.get(1);
        assertThat(started.get("type").asText()).isEqualTo("MedicineStarted");
        assertThat(started.get("occurredOn").asText()).isEqualTo(day(-30));
        assertThat(nodes.get(4).get("type").asText()).isEqualTo("MedicineDispensed");
        assertThat(nodes.get(4).get("occurredOn").asText()).isEqualTo(day(-27));
        JsonNode switched = nodes.stream().filter(n -> n.get("type").asText().equals("MedicineSwitched"))
                                 .findFirst().orElseThrow();
        assertThat(switched.get("occurredOn").asText()).isEqualTo(day(-5));
        assertThat(switched.get("reason").asText()).isEqualTo("SIDE_EFFECTS");
        assertThat(switched.at("/payload/toMedicineCode").asText()).isEqualTo(ESOMEPRAZOLE_20);

        JsonNode verification = audit.run("VerifyAuditTrail", Map.of("patientId", patientId))
                                      .at("/data/verifyAuditTrail");
        assertThat(verification.get("patientId").asText()).isEqualTo(patientId);
        assertThat(verification.get("valid").asBoolean()).isTrue();
        assertThat(verification.get("eventCount").asInt()).isEqualTo(stored.size());
        assertThat(verification.get("headHash").asText()).isEqualTo(previous);
        assertThat(verification.get("firstInvalidSequence").isNull()).isTrue();
    }

    @Test
    void unknownPatientsAreNullAndMalformedPagingIsABadRequest() {
        String nobody = "nobody-" + UUID.randomUUID();
        JsonNode history = audit.run("RegimenHistory", Map.of("patientId", nobody));
        assertThat(history.get("errors")).isNull();
        assertThat(history.at("/data/regimenHistory").isNull()).isTrue();
        JsonNode asOf = audit.run("RegimenAsOf", Map.of("patientId", nobody, "at", now().toString()));
        assertThat(asOf.get("errors")).isNull();
        assertThat(asOf.at("/data/regimenAsOf").isNull()).isTrue();
        JsonNode verify = audit.run("VerifyAuditTrail", Map.of("patientId", nobody));
        assertThat(verify.get("errors")).isNull();
        assertThat(verify.at("/data/verifyAuditTrail").isNull()).isTrue();

        mutate("RegisterPatient", Map.of("patientId", patientId, "practice", "A81001", "birthDate", "1950-03-01",
                "sex", "MALE"));
        assertBadRequest(audit.run("RegimenHistory", Map.of("patientId", patientId, "first", 101)));
        assertBadRequest(audit.run("RegimenHistory", Map.of("patientId", patientId, "first", -1)));
        assertBadRequest(audit.run("RegimenHistory", Map.of("patientId", patientId, "after", "nope")));
        assertBadRequest(audit.run("RegimenAsOf", Map.of("patientId", patientId, "at", "yesterday")));
        JsonNode beyond = audit.run("RegimenHistory", Map.of("patientId", patientId, "after",
                uk.rxledger.graphql.Pagination.cursor(50))).at("/data/regimenHistory");
        assertThat(beyond.get("edges")).isEmpty();
        assertThat(beyond.at("/pageInfo/hasNextPage").asBoolean()).isFalse();
    }

    // ------------------------------------------------------------------ helpers

    private JsonNode mutate(String operation, Map<String, ?> input) {
        JsonNode payload = client.mutate(REGIMEN, operation, input);
        assertThat(payload.get("errors")).as(operation).isEmpty();
        return payload;
    }

    /** Settles, notes the instant, then reads the live read model (which nothing can change until the next step). */
    private Captured capture(String step) throws InterruptedException {
        settling.settle(patientId);
        OffsetDateTime at = now();
        PatientView live = patients.find(patientId).orElseThrow();
        JsonNode regimen = client.run(REGIMEN, "PatientRegimen", Map.of("id", patientId)).at("/data/patient");
        List<String> active = lines(regimen.get("activeMedicines"));
        List<String> open = live.openAlerts().stream().map(a -> a.id + " " + a.ruleCode + " " + a.raisedOn).toList();
        Thread.sleep(5); // the next event is recorded strictly after `at` (storage times have milliseconds)
        return new Captured(step, at, live.lastSeq, active, open);
    }

    private static List<String> lines(JsonNode lines) {
        List<String> result = new ArrayList<>();
        lines.forEach(l -> result.add(l.get("id").asText() + " " + l.at("/medicine/code").asText() + " "
                + l.get("unitsPerDose").asDouble() + "x" + l.get("dosesPerDay").asDouble() + " "
                + l.get("startedOn").asText()));
        return result;
    }

    private static List<String> alerts(JsonNode alerts) {
        List<String> result = new ArrayList<>();
        alerts.forEach(a -> result.add(a.get("id").asText() + " " + a.at("/rule/code").asText() + " "
                + a.get("raisedOn").asText()));
        return result;
    }

    static AlertFinding finding(String rule, String... lines) {
        return new AlertFinding(rule, "test", rule + " title", "PINCER", "SAFETY", "HIGH", "https://example.org/" + rule,
                                "message", "recommendation", List.of(lines), List.of(), List.of());
    }

    private static void assertBadRequest(JsonNode response) {
        assertThat(response.get("errors")).as(response.toString()).isNotEmpty();
        assertThat(response.get("errors")).allSatisfy(
                e -> assertThat(e.at("/extensions/classification").asText()).isEqualTo("BAD_REQUEST"));
    }

    /** Milliseconds, the precision of the DateTime scalar and of storage times. */
    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private static String day(int offset) {
        return TODAY.plusDays(offset).toString();
    }
}
