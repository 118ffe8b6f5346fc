package uk.rxledger.access;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.support.ContractClient;
import uk.rxledger.support.TestTokens;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log over real HTTP: every granted read or change of one patient's data (queries, mutations, history,
 * as-of, verification, export, the log itself) leaves one record with time, actor, role, operation and purpose;
 * refused and population requests leave none; an unknown purpose is a BAD_REQUEST and leaves none; auditors page
 * through it newest first with the contract's AccessLog operation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccessLogEndToEndTest {

    static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));

    @LocalServerPort
    int port;
    @Autowired
    AccessLog log;

    String practice;
    String patientId;
    ContractClient clinician;
    ContractClient auditor;

    @BeforeEach
    void setUp() {
        practice = "P" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
        patientId = "log-" + UUID.randomUUID();
        clinician = new ContractClient(port).as("gp-7", Role.CLINICIAN, practice);
        auditor = new ContractClient(port).as("auditor-7", Role.AUDITOR).header(Purpose.HEADER, "AUDIT");
    }

    private long records() {
        return log.page(patientId, 1, null).totalCount();
    }

    /** Runs an operation and asserts it added exactly one record, which it returns. */
    private AccessLog.Entry loggedOnce(Runnable operation) {
        long before = records();
        Instant start = Instant.now().minusMillis(5);
        operation.run();
        assertThat(records()).isEqualTo(before + 1);
        AccessLog.Entry newest = log.page(patientId, 1, null).edges().get(0).node();
        assertThat(newest.at()).isBetween(start, Instant.now().plusMillis(5));
        assertThat(newest.patientId()).isEqualTo(patientId);
        return newest;
    }

    @Test
    void everyReadAndChangeOfThePatientIsLoggedWithItsActorRoleOperationAndPurpose() throws Exception {
        AccessLog.Entry registered = loggedOnce(() -> clinician.mutate("regimen.graphql", "RegisterPatient", Map.of(
                "patientId", patientId, "practice", practice, "birthDate", "1944-04-04", "sex", "MALE")));
        assertThat(registered).extracting(AccessLog.Entry::actor, AccessLog.Entry::role, AccessLog.Entry::operation,
                                          AccessLog.Entry::purpose)
                .containsExactly("gp-7", "CLINICIAN", "RegisterPatient", "DIRECT_CARE");

        Map<String, Map<String, Object>> changes = new java.util.LinkedHashMap<>();
        String day = TODAY.minusDays(1).toString();
        changes.put("StartMedicine", Map.of("patientId", patientId, "medicineCode", "1001010P0AAAEAE",
                                            "unitsPerDose", 1, "dosesPerDay", 2, "startedOn", TODAY.minusDays(30).toString()));
        changes.put("RecordCondition", Map.of("patientId", patientId, "condition", "ASTHMA", "recordedOn", day));
        changes.put("RecordObservation", Map.of("patientId", patientId, "kind", "EGFR", "observedOn", day, "value", 40));
        changes.put("RecordDispensing", Map.of("patientId", patientId, "lineId", "L1", "quantity", 56, "dispensedOn", day));
        changes.put("ChangeDose", Map.of("patientId", patientId, "lineId", "L1", "unitsPerDose", 1, "dosesPerDay", 3,
                                         "changedOn", day));
        changes.put("RecordAdherenceCheck", Map.of("patientId", patientId, "lineId", "L1", "checkedOn", day,
                                                   "method", "SELF_REPORT", "periodStart", TODAY.minusDays(10).toString(),
                                                   "periodEnd", day, "dosesMissedPerWeek", 2));
        changes.put("CompleteMedicationReview", Map.of("patientId", patientId, "reviewedOn", day, "reviewer", "gp-7"));
        changes.put("SwitchMedicine", Map.of("patientId", patientId, "lineId", "L1", "toMedicineCode", "1001010J0AAAEAE",
                                             "unitsPerDose", 1, "dosesPerDay", 3, "switchedOn", day, "reason", "SAFETY"));
        changes.put("DeprescribeMedicine", Map.of("patientId", patientId, "lineId", "L2", "stoppedOn", day,
                                                  "reason", "HIGH_RISK"));
        changes.forEach((operation, input) -> assertThat(
                loggedOnce(() -> assertThat(clinician.mutate("regimen.graphql", operation, input).get("errors"))
                        .as(operation).isEmpty()).operation()).isEqualTo(operation));
        // an answer to an alert, even one rejected by the business rules, is a granted change
        assertThat(loggedOnce(() -> clinician.mutate("decision-support.graphql", "RespondToAlert", Map.of(
                "patientId", patientId, "alertId", "A999", "decision", "ACCEPTED", "respondedOn", day)))
                .operation()).isEqualTo("RespondToAlert");

        // reads, with declared purposes
        ContractClient research = clinician.header(Purpose.HEADER, "CLINICAL_GOVERNANCE");
        AccessLog.Entry read = loggedOnce(() -> research.run("regimen.graphql", "PatientRegimen", Map.of("id", patientId)));
        assertThat(read.purpose()).isEqualTo("CLINICAL_GOVERNANCE");
        assertThat(read.operation()).isEqualTo("PatientRegimen");
        loggedOnce(() -> clinician.run("decision-support.graphql", "PatientAlerts", Map.of("id", patientId)));
        for (String operation : List.of("RegimenHistory", "VerifyAuditTrail")) {
            AccessLog.Entry audited = loggedOnce(() -> auditor.run("audit.graphql", operation,
                                                                   Map.of("patientId", patientId)));
            assertThat(audited).extracting(AccessLog.Entry::actor, AccessLog.Entry::role, AccessLog.Entry::operation,
                                           AccessLog.Entry::purpose)
                    .containsExactly("auditor-7", "AUDITOR", operation, "AUDIT");
        }
        loggedOnce(() -> auditor.run("audit.graphql", "RegimenAsOf", Map.of("patientId", patientId,
                "at", OffsetDateTime.now(ZoneOffset.UTC).toString())));
        // an unnamed operation is logged under its field
        assertThat(loggedOnce(() -> auditor.post("{ patient(id: \"" + patientId + "\") { id } }", null, null))
                .operation()).isEqualTo("patient");
        AccessLog.Entry exported = loggedOnce(() -> {
            try {
                HttpResponse<String> export = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/patients/" + patientId + "/history.ndjson"))
                        .header("Authorization", TestTokens.bearer(TestTokens.token("auditor-8", Role.AUDITOR)))
                        .header(Purpose.HEADER, "PATIENT_REQUEST").GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(export.statusCode()).isEqualTo(200);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(exported).extracting(AccessLog.Entry::actor, AccessLog.Entry::operation, AccessLog.Entry::purpose)
                .containsExactly("auditor-8", AccessPolicy.EXPORT_PATH, "PATIENT_REQUEST");

        // the log, read by an auditor with the contract's operation, shows all of it newest first, itself on top
        long expected = records() + 1;
        JsonNode page = auditor.run("audit.graphql", "AccessLog", Map.of("patientId", patientId, "first", 100));
        assertThat(page.has("errors")).as(page.toString()).isFalse();
        JsonNode edges = page.at("/data/accessLog/edges");
        assertThat(edges).hasSize((int) expected);
        JsonNode newest = edges.get(0).get("node");
        assertThat(newest.get("operation").asText()).isEqualTo("AccessLog");
        assertThat(newest.at("/actor/id").asText()).isEqualTo("auditor-7");
        assertThat(newest.at("/actor/role").asText()).isEqualTo("AUDITOR");
        assertThat(newest.get("purpose").asText()).isEqualTo("AUDIT");
        JsonNode oldest = edges.get(edges.size() - 1).get("node");
        assertThat(oldest.get("operation").asText()).isEqualTo("RegisterPatient");
        assertThat(oldest.at("/actor/id").asText()).isEqualTo("gp-7");
        List<OffsetDateTime> times = new ArrayList<>();
        edges.forEach(e -> times.add(OffsetDateTime.parse(e.at("/node/at").asText())));
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void refusedPopulationAndBadRequestsLeaveNoRecord() {
        clinician.mutate("regimen.graphql", "RegisterPatient", Map.of("patientId", patientId, "practice", practice,
                "birthDate", "1944-04-04", "sex", "MALE"));
        long before = records();

        // refused: another practice's clinician, governance, an admin
        for (ContractClient refused : List.of(new ContractClient(port).as(Role.CLINICIAN, "Z00001"),
                                              new ContractClient(port).as(Role.GOVERNANCE),
                                              new ContractClient(port).as(Role.ADMIN))) {
            JsonNode answer = refused.run("regimen.graphql", "PatientRegimen", Map.of("id", patientId));
            assertThat(answer.at("/errors/0/extensions/classification").asText()).isEqualTo("FORBIDDEN");
        }
        // a clinician may not read the log
        assertThat(clinician.run("audit.graphql", "AccessLog", Map.of("patientId", patientId))
                            .at("/errors/0/extensions/classification").asText()).isEqualTo("FORBIDDEN");
        // population and reference queries are not single-patient reads
        Map<String, Object> worklist = new HashMap<>();
        worklist.put("practice", practice);
        assertThat(clinician.run("decision-support.graphql", "PracticeWorklist", worklist).has("errors")).isFalse();
        assertThat(clinician.run("regimen.graphql", "MedicineSearch", Map.of("search", "omeprazole"))
                            .has("errors")).isFalse();
        // an unknown purpose is a BAD_REQUEST, before anything is read or logged
        for (String purpose : List.of("MARKETING", "direct care", "DIRECT_CARE;DROP", "x".repeat(300))) {
            JsonNode answer = clinician.header(Purpose.HEADER, purpose)
                                       .run("regimen.graphql", "PatientRegimen", Map.of("id", patientId));
            assertThat(answer.at("/errors/0/extensions/classification").asText()).as(purpose).isEqualTo("BAD_REQUEST");
            assertThat(answer.has("data") && !answer.get("data").isNull()).as(purpose).isFalse();
        }
        assertThat(records()).isEqualTo(before);
    }

    @Test
    void auditorsPageThroughTheLogNewestFirst() {
        clinician.mutate("regimen.graphql", "RegisterPatient", Map.of("patientId", patientId, "practice", practice,
                "birthDate", "1944-04-04", "sex", "MALE"));
        for (int i = 0; i < 44; i++) {
            clinician.run("regimen.graphql", "PatientRegimen", Map.of("id", patientId));
        }
        // 45 records; each page read adds one more at the top, which the cursors of later pages do not see
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        boolean more;
        do {
            Map<String, Object> variables = new HashMap<>();
            variables.put("patientId", patientId);
            variables.put("first", 20);
            variables.put("after", after);
            JsonNode connection = auditor.run("audit.graphql", "AccessLog", variables).at("/data/accessLog");
            connection.get("edges").forEach(e -> seen.add(e.at("/node/operation").asText()));
            after = connection.at("/pageInfo/endCursor").asText();
            more = connection.at("/pageInfo/hasNextPage").asBoolean();
            pages++;
        } while (more);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(46).startsWith("AccessLog").endsWith("RegisterPatient");
        assertThat(seen.subList(1, 45)).containsOnly("PatientRegimen");

        JsonNode tooMany = auditor.run("audit.graphql", "AccessLog", Map.of("patientId", patientId, "first", 101));
        assertThat(tooMany.at("/errors/0/extensions/classification").asText()).isEqualTo("BAD_REQUEST");
        JsonNode badCursor = auditor.run("audit.graphql", "AccessLog", Map.of("patientId", patientId,
                                                                            "after", "{\"$gt\": \"\"}"));
        assertThat(badCursor.at("/errors/0/extensions/classification").asText()).isEqualTo("BAD_REQUEST");
        JsonNode unknown = auditor.run("audit.graphql", "AccessLog", Map.of("patientId", "nobody-" + UUID.randomUUID()));
        assertThat(unknown.at("/data/accessLog/edges")).hasSize(1); // only the auditor's own look
    }
}
