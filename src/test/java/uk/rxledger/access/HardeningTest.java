package uk.rxledger.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.graphql.GraphQlConfiguration;
import uk.rxledger.support.ContractClient;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GraphQL hardening over real HTTP against the embedded MongoDB (ADR 0012): depth and complexity limits, the body size
 * limit, and hostile strings in every kind of argument (operator-shaped JSON, {@code $where}, very long strings,
 * unicode, NULs, objects where strings belong), which must be values, never MongoDB operators, and never an
 * INTERNAL_ERROR or a 500.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HardeningTest {

    static final List<String> HOSTILE = List.of(
            "{\"$ne\": null}", "{\"$gt\": \"\"}", "$where", "{\"$where\": \"sleep(1000)\"}", "'; return true; '",
            "this.practice != null", ".*", "^", "a\u0000b", "\u0000", "é\uD83D\uDE00\u202E", "",
            " ", "x".repeat(100_000), "{\"$regex\": \".*\"}", "$ne", "a.$b", "$");

    @LocalServerPort
    int port;
    @Autowired
    MongoDatabase database;
    @Autowired
    AccessLog accessLog;

    ContractClient clinician;
    ContractClient auditor;
    String practice;
    String patientId;

    @BeforeEach
    void aPatientToFind() {
        practice = "H" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
        patientId = "hard-" + UUID.randomUUID();
        clinician = new ContractClient(port).as(Role.CLINICIAN, practice);
        auditor = new ContractClient(port).as(Role.AUDITOR);
        clinician.mutate("regimen.graphql", "RegisterPatient", Map.of("patientId", patientId, "practice", practice,
                "birthDate", "1950-01-01", "sex", "FEMALE"));
    }

    /** Every error is a caller's (never INTERNAL_ERROR) and the status is not a server error. */
    private static JsonNode callerErrorsOnly(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        JsonNode json = ContractClient.JSON.readTree(response.body());
        json.path("errors").forEach(e -> assertThat(e.at("/extensions/classification").asText())
                .as(response.body()).isIn("BAD_REQUEST", "FORBIDDEN", "UNAUTHORIZED"));
        return json;
    }

    private static String classification(JsonNode json) {
        return json.at("/errors/0/extensions/classification").asText();
    }

    @Test
    void hostileStringsAreOnlyValues() throws Exception {
        long patientsBefore = database.getCollection("patients").countDocuments();
        for (String hostile : HOSTILE) {
            String label = hostile.length() > 40 ? hostile.length() + " chars" : hostile;
            // one patient's data, as an auditor (who may ask about any id): nothing found, nothing else returned
            for (String[] op : new String[][]{{"regimen.graphql", "PatientRegimen", "id"},
                                              {"audit.graphql", "RegimenHistory", "patientId"},
                                              {"audit.graphql", "VerifyAuditTrail", "patientId"},
                                              {"audit.graphql", "AccessLog", "patientId"}}) {
                JsonNode json = callerErrorsOnly(auditor.send(op[0], op[1], Map.of(op[2], hostile)));
                if (hostile.length() > AccessInstrumentation.MAX_STRING) {
                    assertThat(classification(json)).as(label).isEqualTo("BAD_REQUEST");
                } else if (op[1].equals("AccessLog")) {
                    // the auditor's own looks at that id, this one first, and nothing else
                    List<String> looks = new ArrayList<>();
                    json.at("/data/accessLog/edges").forEach(e -> looks.add(e.at("/node/operation").asText()));
                    assertThat(looks).as(label).containsExactly("AccessLog", "VerifyAuditTrail", "RegimenHistory",
                                                                "PatientRegimen");
                } else {
                    assertThat(json.has("errors")).as(label + " " + json).isFalse();
                    JsonNode data = json.get("data");
                    assertThat(data.fields().next().getValue().isNull()).as(label + " " + op[1]).isTrue();
                }
            }
            // as a clinician: refused like any unknown patient
            JsonNode read = callerErrorsOnly(clinician.send("regimen.graphql", "PatientRegimen", Map.of("id", hostile)));
            assertThat(classification(read)).as(label).isIn("FORBIDDEN", "BAD_REQUEST");
            // a practice: an empty worklist, not everyone's
            Map<String, Object> worklist = new HashMap<>();
            worklist.put("practice", hostile);
            JsonNode list = callerErrorsOnly(auditor.send("decision-support.graphql", "PracticeWorklist", worklist));
            if (!list.has("errors")) {
                assertThat(list.at("/data/practiceWorklist/totalCount").asInt()).as(label).isZero();
            }
            // the catalogue's search and lookup
            callerErrorsOnly(clinician.send("regimen.graphql", "MedicineSearch", Map.of("search", hostile)));
            callerErrorsOnly(clinician.exchange("query($c: String!) { medicine(code: $c) { code } }", null,
                                                Map.of("c", hostile)));
            // a registration with a hostile id or practice is rejected in the payload, or refused
            JsonNode byId = callerErrorsOnly(clinician.send("regimen.graphql", "RegisterPatient", Map.of("input", Map.of(
                    "patientId", hostile, "practice", practice, "birthDate", "1950-01-01", "sex", "MALE"))));
            if (!byId.has("errors")) {
                assertThat(byId.at("/data/registerPatient/errors/0/code").asText()).as(label)
                        .isIn("INVALID_ID", "NHS_NUMBER_NOT_ALLOWED", "MISSING_FIELD");
            }
            // free text and cursors
            callerErrorsOnly(clinician.send("regimen.graphql", "CompleteMedicationReview", Map.of("input", Map.of(
                    "patientId", patientId, "reviewedOn", "2026-01-01", "reviewer", hostile, "notes", hostile))));
            callerErrorsOnly(auditor.send("audit.graphql", "RegimenHistory", Map.of("patientId", patientId,
                                                                                    "after", hostile)));
            callerErrorsOnly(clinician.send("regimen.graphql", "MedicineSearch", Map.of("search", "a",
                                                                                         "after", hostile)));
        }
        assertThat(database.getCollection("patients").countDocuments()).isEqualTo(patientsBefore);
    }

    @Test
    void objectsNullsAndWrongTypesWhereStringsBelongAreValuesOrBadRequests() throws Exception {
        // graphql-java reads an ID leniently (its text): an object is then only an odd id, never an operator
        for (Object id : List.of(Map.of("$ne", ""), List.of("$where"), 42.5, true)) {
            JsonNode json = callerErrorsOnly(auditor.send("regimen.graphql", "PatientRegimen", Map.of("id", id)));
            assertThat(json.at("/data/patient").isNull()).as(id + " " + json).isTrue();
        }
        Map<String, Object> nullId = new HashMap<>();
        nullId.put("id", null);
        for (Map<String, Object> v : List.of(nullId, Map.<String, Object>of())) {
            JsonNode json = callerErrorsOnly(auditor.send("regimen.graphql", "PatientRegimen", v));
            assertThat(classification(json)).as(v + " " + json).isEqualTo("BAD_REQUEST");
        }
        // a String is read strictly
        JsonNode search = callerErrorsOnly(clinician.send("regimen.graphql", "MedicineSearch",
                                                          Map.of("search", Map.of("$ne", ""))));
        assertThat(classification(search)).isEqualTo("BAD_REQUEST");
        JsonNode input = callerErrorsOnly(clinician.send("regimen.graphql", "StartMedicine", Map.of("input", Map.of(
                "patientId", patientId, "medicineCode", Map.of("$ne", ""), "unitsPerDose", 1, "dosesPerDay", 1,
                "startedOn", "2026-01-01"))));
        assertThat(classification(input)).isEqualTo("BAD_REQUEST");
        JsonNode practice = callerErrorsOnly(auditor.send("decision-support.graphql", "PracticeWorklist",
                                                          Map.of("practice", Map.of("$ne", ""))));
        assertThat(classification(practice)).isEqualTo("BAD_REQUEST");
    }

    @Test
    void tooDeepAndTooComplexDocumentsAreBadRequests() throws Exception {
        // 13 levels: medicines > edges > node > 10 x formularyAlternative
        String deep = "{ medicines(search: \"a\") { edges { node { " + "formularyAlternative { ".repeat(10)
                      + "code" + " }".repeat(10) + " } } } }";
        JsonNode tooDeep = callerErrorsOnly(clinician.exchange(deep, null, null));
        assertThat(classification(tooDeep)).as(tooDeep.toString()).isEqualTo("BAD_REQUEST");
        assertThat(tooDeep.at("/errors/0/message").asText()).contains("limit of depth 12");
        String shallower = "{ medicines(search: \"a\") { edges { node { " + "formularyAlternative { ".repeat(8)
                           + "code" + " }".repeat(8) + " } } } }";
        assertThat(callerErrorsOnly(clinician.exchange(shallower, null, null)).has("errors")).isFalse();

        // fragments multiply: 2 x 11 x 11 x 10 fields, far over the complexity limit in a few hundred bytes
        StringBuilder complex = new StringBuilder("{ medicines(search: \"a\") { edges { node { c1: formularyAlternative "
                + "{ ...C } c2: formularyAlternative { ...C } } } } }\nfragment A on Medicine {");
        for (int i = 0; i < 10; i++) {
            complex.append(" a").append(i).append(": code");
        }
        complex.append(" }\nfragment B on Medicine {");
        for (int i = 0; i < 11; i++) {
            complex.append(" b").append(i).append(": formularyAlternative { ...A }");
        }
        complex.append(" }\nfragment C on Medicine {");
        for (int i = 0; i < 11; i++) {
            complex.append(" c").append(i).append(": formularyAlternative { ...B }");
        }
        complex.append(" }");
        assertThat(2 * 11 * 11 * 10).isGreaterThan(GraphQlConfiguration.MAX_FIELDS);
        JsonNode tooComplex = callerErrorsOnly(clinician.exchange(complex.toString(), null, null));
        assertThat(classification(tooComplex)).isEqualTo("BAD_REQUEST");
        assertThat(tooComplex.at("/errors/0/message").asText()).contains("limit");

        // many aliases run into the parser's token limit first: also a BAD_REQUEST
        StringBuilder aliases = new StringBuilder("{");
        for (int i = 0; i < 5000; i++) {
            aliases.append(" m").append(i).append(": decisionRules { code }");
        }
        assertThat(classification(callerErrorsOnly(clinician.exchange(aliases.append(" }").toString(), null, null))))
                .isEqualTo("BAD_REQUEST");
    }

    @Test
    void bodiesOverTheLimitAre413() throws Exception {
        HttpResponse<String> huge = clinician.exchange("{ medicines(search: \"" + "a".repeat(300_000) + "\") "
                                                       + "{ totalCount } }", null, null);
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(ContractClient.JSON.readTree(huge.body()).at("/errors/0/extensions/classification").asText())
                .isEqualTo("BAD_REQUEST");
        // unauthenticated ones too, before anything reads them
        HttpResponse<String> anonymous = new ContractClient(port).exchange("{ __typename " + " ".repeat(300_000) + "}",
                                                                           null, null);
        assertThat(anonymous.statusCode()).isEqualTo(413);
        // just under the limit is read (and refused by the string limit, not the size limit)
        HttpResponse<String> under = clinician.exchange("query($s: String!) { medicines(search: $s) { totalCount } }",
                                                        null, Map.of("s", "a".repeat(200_000)));
        assertThat(under.statusCode()).isEqualTo(200);
        assertThat(classification(ContractClient.JSON.readTree(under.body()))).isEqualTo("BAD_REQUEST");
    }
}
