package uk.rxledger.access;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.support.ContractClient;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worklist is a population read: a row carries the contract's summary of the patient (id, age, active medicine
 * count, ACB total) and nothing else for free. Any other field of a patient reached through the worklist is a
 * single-patient read, admitted and logged exactly as the {@code patient} query is (ADR 0012), over real HTTP, the log
 * read back by an auditor with the contract's AccessLog operation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WorklistDetailAccessTest {

    static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));

    /** A worklist row asking for the patient's regimen and conditions, beyond the contract's summary. */
    static final String DETAIL = """
            query WorklistDetail($practice: String!) {
              practiceWorklist(practice: $practice) {
                edges { node { priorityScore patient { id age sex conditions { condition } activeMedicines { id medicine { code } } } } }
              }
            }""";

    @LocalServerPort
    int port;

    String practice;
    String first;
    String second;
    ContractClient clinician;
    ContractClient auditor;

    @BeforeEach
    void setUp() {
        practice = "W" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
        first = "wl-" + UUID.randomUUID();
        second = "wl-" + UUID.randomUUID();
        clinician = new ContractClient(port).as("gp-worklist", Role.CLINICIAN, practice);
        auditor = new ContractClient(port).as("auditor-worklist", Role.AUDITOR).header(Purpose.HEADER, "AUDIT");
        for (String patient : List.of(first, second)) {
            clinician.mutate("regimen.graphql", "RegisterPatient", Map.of("patientId", patient, "practice", practice,
                    "birthDate", "1940-02-02", "sex", "FEMALE"));
            clinician.mutate("regimen.graphql", "RecordCondition", Map.of("patientId", patient, "condition", "ASTHMA",
                    "recordedOn", TODAY.minusDays(3).toString()));
            clinician.mutate("regimen.graphql", "StartMedicine", Map.of("patientId", patient,
                    "medicineCode", "1001010P0AAAEAE", "unitsPerDose", 1, "dosesPerDay", 2,
                    "startedOn", TODAY.minusDays(30).toString()));
        }
        // the worklist may lag: wait until both rows show their medicine
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode rows = clinician.run("decision-support.graphql", "PracticeWorklist", Map.of("practice", practice))
                                     .at("/data/practiceWorklist/edges");
            return rows.size() == 2 && rows.findValues("activeMedicineCount").stream().allMatch(n -> n.asInt() == 1);
        });
    }

    /** The access log of a patient as an auditor reads it, oldest first (the auditor's own reads left out). */
    private List<JsonNode> log(String patient) {
        JsonNode answer = auditor.run("audit.graphql", "AccessLog", Map.of("patientId", patient, "first", 100));
        assertThat(answer.has("errors")).as(answer.toString()).isFalse();
        List<JsonNode> records = new ArrayList<>();
        answer.at("/data/accessLog/edges").forEach(e -> records.add(0, e.get("node")));
        return records.stream().filter(r -> !"AUDITOR".equals(r.at("/actor/role").asText())).toList();
    }

    @Test
    void theContractsWorklistRowIsFreeButPatientDetailThroughItIsLoggedLikeThePatientQuery() {
        int before = log(first).size();
        assertThat(log(second)).hasSize(before);

        // the contract's own row: summary only, no record
        JsonNode summary = clinician.run("decision-support.graphql", "PracticeWorklist", Map.of("practice", practice));
        assertThat(summary.has("errors")).as(summary.toString()).isFalse();
        assertThat(log(first)).hasSize(before);

        // detail through the worklist: granted to the practice's clinician, one record per patient per request
        JsonNode detail = clinician.header(Purpose.HEADER, "CLINICAL_GOVERNANCE").post(DETAIL, "WorklistDetail",
                                                                                       Map.of("practice", practice));
        assertThat(detail.has("errors")).as(detail.toString()).isFalse();
        JsonNode rows = detail.at("/data/practiceWorklist/edges");
        assertThat(rows).hasSize(2);
        rows.forEach(row -> {
            assertThat(row.at("/node/patient/conditions/0/condition").asText()).isEqualTo("ASTHMA");
            assertThat(row.at("/node/patient/activeMedicines/0/medicine/code").asText()).isEqualTo("1001010P0AAAEAE");
        });
        for (String patient : List.of(first, second)) {
            List<JsonNode> records = log(patient);
            assertThat(records).as(patient).hasSize(before + 1);
            JsonNode newest = records.get(records.size() - 1);
            assertThat(newest.at("/actor/id").asText()).isEqualTo("gp-worklist");
            assertThat(newest.at("/actor/role").asText()).isEqualTo("CLINICIAN");
            assertThat(newest.get("operation").asText()).isEqualTo("WorklistDetail");
            assertThat(newest.get("purpose").asText()).isEqualTo("CLINICAL_GOVERNANCE");
        }

        // an unnamed operation is logged under the top-level field, as the patient query is under "patient"
        clinician.post("{ practiceWorklist(practice: \"" + practice + "\") { edges { node { patient { sex } } } } }",
                       null, null);
        List<JsonNode> records = log(first);
        assertThat(records).hasSize(before + 2);
        assertThat(records.get(records.size() - 1).get("operation").asText()).isEqualTo("practiceWorklist");

        // an auditor reading detail through the worklist is logged as an auditor
        JsonNode audited = auditor.post(DETAIL, "WorklistDetail", Map.of("practice", practice));
        assertThat(audited.has("errors")).as(audited.toString()).isFalse();
        JsonNode all = auditor.run("audit.graphql", "AccessLog", Map.of("patientId", second, "first", 100));
        JsonNode newestOfAll = all.at("/data/accessLog/edges/0/node");
        assertThat(newestOfAll.get("operation").asText()).isEqualTo("AccessLog");
        assertThat(all.at("/data/accessLog/edges/1/node/operation").asText()).isEqualTo("WorklistDetail");
        assertThat(all.at("/data/accessLog/edges/1/node/actor/id").asText()).isEqualTo("auditor-worklist");
    }

    @Test
    void callersOfAnotherPracticeGetNothingAndLeaveNoRecord() {
        int before = log(first).size();
        for (ContractClient outsider : List.of(new ContractClient(port).as(Role.CLINICIAN, "Z00001"),
                                               new ContractClient(port).as(Role.PHARMACIST, "Z00001"),
                                               new ContractClient(port).as(Role.GOVERNANCE),
                                               new ContractClient(port).as(Role.ADMIN))) {
            JsonNode answer = outsider.post(DETAIL, "WorklistDetail", Map.of("practice", practice));
            assertThat(answer.at("/errors/0/extensions/classification").asText()).isEqualTo("FORBIDDEN");
            assertThat(answer.get("data").isNull()).as(answer.toString()).isTrue();
            assertThat(answer.toString()).doesNotContain(first).doesNotContain("ASTHMA");
        }
        assertThat(log(first)).hasSize(before);
        assertThat(log(second)).hasSize(before);
    }
}
