package uk.rxledger.regimen;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.access.Role;
import uk.rxledger.support.ContractClient;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of the contract's regimen.graphql, sent as the frontends send it (the contract's own documents over
 * real HTTP to the app on the embedded MongoDB), including the rejections.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RegimenEndToEndTest {

    static final String FILE = "regimen.graphql";
    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";
    static final String ESOMEPRAZOLE_20 = "0103050E0AAAAAA";
    static final String NAPROXEN_500 = "1001010P0AAAEAE";
    static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));

    @LocalServerPort
    int port;
    @Autowired
    MongoDatabase database;

    ContractClient client;
    String patientId;

    @BeforeEach
    void setUp() {
        client = new ContractClient(port).as("pharmacist-7", Role.PHARMACIST, "A81001")
                                         .header("X-Correlation-Id", "corr-" + UUID.randomUUID());
        patientId = "e2e-" + UUID.randomUUID();
    }

    @Test
    void aRegimenFromRegistrationToReview() {
        JsonNode registered = client.mutate(FILE, "RegisterPatient", Map.of(
                "patientId", patientId, "practice", "A81001", "pcn", "U12345", "birthDate", "1948-05-17",
                "sex", "FEMALE", "careHomeResident", true, "frailty", "MODERATE"));
        assertThat(registered.get("errors")).isEmpty();
        assertThat(registered.at("/patient/id").asText()).isEqualTo(patientId);
        assertThat(registered.at("/patient/practice").asText()).isEqualTo("A81001");
        assertThat(registered.at("/patient/pcn").asText()).isEqualTo("U12345");
        assertThat(registered.at("/patient/birthDate").asText()).isEqualTo("1948-05-17");
        assertThat(registered.at("/patient/careHomeResident").asBoolean()).isTrue();
        assertThat(registered.at("/patient/frailty").asText()).isEqualTo("MODERATE");

        JsonNode condition = client.mutate(FILE, "RecordCondition", Map.of(
                "patientId", patientId, "condition", "PEPTIC_ULCER_OR_GI_BLEED", "recordedOn", day(-400)));
        assertThat(condition.at("/patient/conditions/0/condition").asText()).isEqualTo("PEPTIC_ULCER_OR_GI_BLEED");
        assertThat(condition.at("/patient/conditions/0/resolvedOn").isNull()).isTrue();

        for (int i = 6; i >= 1; i--) {
            client.mutate(FILE, "RecordObservation", Map.of(
                    "patientId", patientId, "kind", "EGFR", "observedOn", day(-30 * i), "value", 50 + i));
        }
        JsonNode observations = client.mutate(FILE, "RecordObservation", Map.of(
                "patientId", patientId, "kind", "FULL_BLOOD_COUNT", "observedOn", day(-1)));
        JsonNode latestFive = observations.at("/patient/observations");
        assertThat(latestFive).hasSize(5);
        assertThat(latestFive.get(4).get("kind").asText()).isEqualTo("FULL_BLOOD_COUNT");
        assertThat(latestFive.get(0).get("value").asDouble()).isEqualTo(54.0);
        assertThat(latestFive.get(0).get("unit").asText()).isEqualTo("mL/min/1.73m2");

        JsonNode started = client.mutate(FILE, "StartMedicine", Map.of(
                "patientId", patientId, "medicineCode", ESOMEPRAZOLE_20, "unitsPerDose", 1, "dosesPerDay", 1,
                "startedOn", day(-120), "indication", "gastroprotection", "prescriber", "GP-1"));
        String esomeprazoleLine = started.at("/line/id").asText();
        assertThat(started.at("/line/status").asText()).isEqualTo("ACTIVE");
        assertThat(started.at("/line/medicine/code").asText()).isEqualTo(ESOMEPRAZOLE_20);
        assertThat(started.at("/line/medicine/bnfChemicalCode").asText()).isEqualTo("0103050E0");
        assertThat(started.at("/line/dailyDoseMg").asDouble()).isEqualTo(20.0);
        assertThat(started.at("/line/indication").asText()).isEqualTo("gastroprotection");
        assertThat(started.at("/line/lastDispensedOn").isNull()).isTrue();

        String naproxenLine = client.mutate(FILE, "StartMedicine", Map.of(
                "patientId", patientId, "medicineCode", NAPROXEN_500, "unitsPerDose", 1, "dosesPerDay", 2,
                "startedOn", day(-90))).at("/line/id").asText();

        JsonNode dispensed = client.mutate(FILE, "RecordDispensing", Map.of(
                "patientId", patientId, "lineId", esomeprazoleLine, "quantity", 28, "dispensedOn", day(-60)));
        assertThat(dispensed.at("/line/lastDispensedOn").asText()).isEqualTo(day(-60));

        JsonNode doubled = client.mutate(FILE, "ChangeDose", Map.of(
                "patientId", patientId, "lineId", esomeprazoleLine, "unitsPerDose", 2, "dosesPerDay", 1,
                "changedOn", day(-50), "reason", "symptoms not controlled"));
        assertThat(doubled.at("/line/unitsPerDose").asDouble()).isEqualTo(2.0);
        assertThat(doubled.at("/line/dailyDoseMg").asDouble()).isEqualTo(40.0);

        JsonNode switched = client.mutate(FILE, "SwitchMedicine", Map.of(
                "patientId", patientId, "lineId", esomeprazoleLine, "toMedicineCode", OMEPRAZOLE_20,
                "unitsPerDose", 1, "dosesPerDay", 1, "switchedOn", day(-40), "reason", "COST_EFFECTIVENESS",
                "unusedQuantity", 4));
        assertThat(switched.at("/previousLine/id").asText()).isEqualTo(esomeprazoleLine);
        assertThat(switched.at("/previousLine/status").asText()).isEqualTo("SWITCHED");
        assertThat(switched.at("/previousLine/endedOn").asText()).isEqualTo(day(-40));
        String omeprazoleLine = switched.at("/line/id").asText();
        assertThat(omeprazoleLine).isNotEqualTo(esomeprazoleLine);
        assertThat(switched.at("/line/medicine/code").asText()).isEqualTo(OMEPRAZOLE_20);
        assertThat(switched.at("/line/startedOn").asText()).isEqualTo(day(-40));

        JsonNode stopped = client.mutate(FILE, "DeprescribeMedicine", Map.of(
                "patientId", patientId, "lineId", naproxenLine, "stoppedOn", day(-10), "reason", "HIGH_RISK",
                "taperPlan", "stop"));
        assertThat(stopped.at("/line/status").asText()).isEqualTo("DEPRESCRIBED");
        assertThat(stopped.at("/line/endedOn").asText()).isEqualTo(day(-10));

        // 28 tablets at 1 a day from day -40 cover days -40..-13: 28 of the 30 days -40..-11.
        client.mutate(FILE, "RecordDispensing", Map.of(
                "patientId", patientId, "lineId", omeprazoleLine, "quantity", 28, "dispensedOn", day(-40)));
        JsonNode refill = client.mutate(FILE, "RecordAdherenceCheck", Map.of(
                "patientId", patientId, "lineId", omeprazoleLine, "checkedOn", day(-5), "method", "REFILL_RECORD",
                "periodStart", day(-40), "periodEnd", day(-11)));
        assertThat(refill.at("/check/adherence").asDouble()).isEqualTo(28.0 / 30.0);
        assertThat(refill.at("/check/adherent").asBoolean()).isTrue();
        assertThat(refill.at("/check/method").asText()).isEqualTo("REFILL_RECORD");
        // Self-report: 3 doses missed a week at 1 a day -> 1 - 3/7.
        JsonNode selfReport = client.mutate(FILE, "RecordAdherenceCheck", Map.of(
                "patientId", patientId, "lineId", omeprazoleLine, "checkedOn", day(-2), "method", "SELF_REPORT",
                "periodStart", day(-9), "periodEnd", day(-3), "dosesMissedPerWeek", 3));
        assertThat(selfReport.at("/check/adherence").asDouble()).isEqualTo(1 - 3.0 / 7.0);
        assertThat(selfReport.at("/check/adherent").asBoolean()).isFalse();

        JsonNode review = client.mutate(FILE, "CompleteMedicationReview", Map.of(
                "patientId", patientId, "reviewedOn", day(-1), "reviewer", "pharmacist-7"));
        assertThat(review.at("/review/kind").asText()).isEqualTo("STRUCTURED");
        assertThat(review.at("/review/reviewedOn").asText()).isEqualTo(day(-1));

        JsonNode patient = client.run(FILE, "PatientRegimen", Map.of("id", patientId)).at("/data/patient");
        assertThat(patient.get("age").asInt()).isEqualTo(
                java.time.Period.between(LocalDate.parse("1948-05-17"), TODAY).getYears());
        assertThat(patient.get("activeMedicines")).extracting(l -> l.get("id").asText())
                .containsExactly(omeprazoleLine);
        JsonNode ended = patient.at("/stoppedMedicines/edges");
        assertThat(ended).extracting(e -> e.at("/node/id").asText()).containsExactly(naproxenLine, esomeprazoleLine);
        assertThat(ended).extracting(e -> e.at("/node/endReason").asText())
                .containsExactly("HIGH_RISK", "COST_EFFECTIVENESS");
        assertThat(patient.at("/stoppedMedicines/pageInfo/hasNextPage").asBoolean()).isFalse();
        assertThat(patient.at("/adherenceChecks/edges")).extracting(e -> e.at("/node/method").asText())
                .containsExactly("SELF_REPORT", "REFILL_RECORD");
        assertThat(patient.get("reviews")).hasSize(1);

        // Every event carries who, why and which request.
        // Decision support adds its own Alert* events to the stream as it evaluates; count the regimen's.
        List<Document> events = database.getCollection("events").find(Filters.eq("aggregateId", patientId))
                                        .into(new java.util.ArrayList<>()).stream()
                                        .filter(e -> !e.getString("payloadType").contains(".Alert")).toList();
        assertThat(events).hasSize(19);
        Document switchEvent = events.stream().filter(e -> e.getString("payloadType").endsWith("MedicineSwitched"))
                                     .findFirst().orElseThrow();
        assertThat(switchEvent.getString("metaData")).contains("\"actor\":\"pharmacist-7\"")
                .contains("\"role\":\"PHARMACIST\"").contains("\"reason\":\"COST_EFFECTIVENESS\"")
                .contains("\"correlationId\":\"corr-");
    }

    @Test
    void rejectionsComeBackAsPayloadErrorsAndStoreNothing() {
        register(patientId);
        String line = client.mutate(FILE, "StartMedicine", Map.of(
                "patientId", patientId, "medicineCode", OMEPRAZOLE_20, "unitsPerDose", 1, "dosesPerDay", 1,
                "startedOn", day(-30))).at("/line/id").asText();
        client.mutate(FILE, "DeprescribeMedicine", Map.of(
                "patientId", patientId, "lineId", line, "stoppedOn", day(-1), "reason", "COURSE_COMPLETED"));
        long stored = storedEvents(patientId);

        assertRejected("RegisterPatient", registration(patientId), "DUPLICATE_PATIENT", "patientId");
        // an unknown patient is refused like another practice's (ADR 0012), not PATIENT_NOT_FOUND
        JsonNode unknown = client.run(FILE, "StartMedicine", Map.of("input", Map.of("patientId",
                "nobody-" + UUID.randomUUID(), "medicineCode", OMEPRAZOLE_20, "unitsPerDose", 1, "dosesPerDay", 1,
                "startedOn", day(-1))));
        assertThat(unknown.at("/errors/0/extensions/classification").asText()).isEqualTo("FORBIDDEN");
        assertThat(unknown.at("/data/startMedicine").isMissingNode() || unknown.at("/data/startMedicine").isNull())
                .isTrue();
        assertRejected("StartMedicine", Map.of("patientId", patientId, "medicineCode", "NOT-A-CODE",
                "unitsPerDose", 1, "dosesPerDay", 1, "startedOn", day(-1)), "UNKNOWN_MEDICINE", "medicineCode");
        assertRejected("StartMedicine", Map.of("patientId", patientId, "medicineCode", OMEPRAZOLE_20,
                "unitsPerDose", -1, "dosesPerDay", 1, "startedOn", day(-1)), "INVALID_QUANTITY", "unitsPerDose");
        assertRejected("StartMedicine", Map.of("patientId", patientId, "medicineCode", OMEPRAZOLE_20,
                "unitsPerDose", 1, "dosesPerDay", 1, "startedOn", day(3)), "INVALID_DATE", "startedOn");
        assertRejected("RecordDispensing", Map.of("patientId", patientId, "lineId", line, "quantity", 28,
                "dispensedOn", day(-1)), "LINE_NOT_ACTIVE", "lineId");
        assertRejected("DeprescribeMedicine", Map.of("patientId", patientId, "lineId", line, "stoppedOn", day(-1),
                "reason", "COURSE_COMPLETED"), "LINE_NOT_ACTIVE", "lineId");
        assertRejected("RecordCondition", Map.of("patientId", patientId, "condition", "ASTHMA",
                "recordedOn", day(-5), "resolvedOn", day(-6)), "INVALID_DATE", "resolvedOn");
        assertRejected("CompleteMedicationReview", Map.of("patientId", patientId, "reviewedOn", day(1),
                "reviewer", "x"), "INVALID_DATE", "reviewedOn");
        assertThat(storedEvents(patientId)).isEqualTo(stored);

        String active = client.mutate(FILE, "StartMedicine", Map.of(
                "patientId", patientId, "medicineCode", OMEPRAZOLE_20, "unitsPerDose", 1, "dosesPerDay", 1,
                "startedOn", day(-20))).at("/line/id").asText();
        stored = storedEvents(patientId);
        assertRejected("RecordDispensing", Map.of("patientId", patientId, "lineId", active, "quantity", -28,
                "dispensedOn", day(-1)), "INVALID_QUANTITY", "quantity");
        assertRejected("RecordDispensing", Map.of("patientId", patientId, "lineId", "L99", "quantity", 28,
                "dispensedOn", day(-1)), "LINE_NOT_FOUND", "lineId");
        assertRejected("ChangeDose", Map.of("patientId", patientId, "lineId", active, "unitsPerDose", 2,
                "dosesPerDay", 1, "changedOn", day(-21)), "INVALID_DATE", "changedOn");
        assertRejected("SwitchMedicine", Map.of("patientId", patientId, "lineId", active, "toMedicineCode",
                "NOT-A-CODE", "unitsPerDose", 1, "dosesPerDay", 1, "switchedOn", day(-1), "reason", "SAFETY"),
                       "UNKNOWN_MEDICINE", "toMedicineCode");
        assertRejected("RecordAdherenceCheck", Map.of("patientId", patientId, "lineId", active, "checkedOn",
                day(-1), "method", "REFILL_RECORD", "periodStart", day(-5), "periodEnd", day(-10)),
                       "INVALID_DATE", "periodEnd");
        assertRejected("RecordAdherenceCheck", Map.of("patientId", patientId, "lineId", active, "checkedOn",
                day(-1), "method", "PILL_COUNT", "periodStart", day(-10), "periodEnd", day(-2)),
                       "MISSING_FIELD", "unitsRemaining");
        assertThat(storedEvents(patientId)).isEqualTo(stored);
    }

    @Test
    void absurdQuantitiesComeBackAsPayloadErrorsAndStoreNothing() {
        register(patientId);
        String line = client.mutate(FILE, "StartMedicine", Map.of(
                "patientId", patientId, "medicineCode", OMEPRAZOLE_20, "unitsPerDose", 1, "dosesPerDay", 1,
                "startedOn", day(-30))).at("/line/id").asText();
        client.mutate(FILE, "RecordDispensing", Map.of(
                "patientId", patientId, "lineId", line, "quantity", 28, "dispensedOn", day(-30)));
        long stored = storedEvents(patientId);

        assertRejected("StartMedicine", Map.of("patientId", patientId, "medicineCode", OMEPRAZOLE_20,
                "unitsPerDose", 1e300, "dosesPerDay", 1, "startedOn", day(-1)), "INVALID_QUANTITY", "unitsPerDose");
        assertRejected("StartMedicine", Map.of("patientId", patientId, "medicineCode", OMEPRAZOLE_20,
                "unitsPerDose", 1, "dosesPerDay", 101, "startedOn", day(-1)), "INVALID_QUANTITY", "dosesPerDay");
        assertRejected("RecordDispensing", Map.of("patientId", patientId, "lineId", line, "quantity", 1e300,
                "dispensedOn", day(-1)), "INVALID_QUANTITY", "quantity");
        assertRejected("ChangeDose", Map.of("patientId", patientId, "lineId", line, "unitsPerDose", 1000.5,
                "dosesPerDay", 1, "changedOn", day(-1)), "INVALID_QUANTITY", "unitsPerDose");
        assertRejected("SwitchMedicine", Map.of("patientId", patientId, "lineId", line, "toMedicineCode",
                ESOMEPRAZOLE_20, "unitsPerDose", 1, "dosesPerDay", 1, "switchedOn", day(-1), "reason", "SAFETY",
                "unusedQuantity", 1_000_001), "INVALID_QUANTITY", "unusedQuantity");
        assertRejected("DeprescribeMedicine", Map.of("patientId", patientId, "lineId", line, "stoppedOn", day(-1),
                "reason", "COURSE_COMPLETED", "unusedQuantity", 1e300), "INVALID_QUANTITY", "unusedQuantity");
        assertRejected("RecordAdherenceCheck", Map.of("patientId", patientId, "lineId", line, "checkedOn",
                day(-1), "method", "PILL_COUNT", "periodStart", day(-30), "periodEnd", day(-2),
                "unitsRemaining", 1e300), "INVALID_QUANTITY", "unitsRemaining");
        assertThat(storedEvents(patientId)).isEqualTo(stored);

        // at the limits everything is accepted
        JsonNode atLimit = client.mutate(FILE, "RecordDispensing", Map.of(
                "patientId", patientId, "lineId", line, "quantity", 1_000_000, "dispensedOn", day(-1)));
        assertThat(atLimit.get("errors")).isEmpty();
        assertThat(storedEvents(patientId)).isEqualTo(stored + 1);
    }

    @Test
    void medicineSearchPagesThroughTheCatalogue() {
        JsonNode first = client.run(FILE, "MedicineSearch", Map.of("search", "omeprazole 20", "first", 1))
                               .at("/data/medicines");
        assertThat(first.get("totalCount").asInt()).isEqualTo(2);
        assertThat(first.at("/edges/0/node/name").asText()).isEqualTo("Omeprazole 20 mg gastro-resistant capsules");
        assertThat(first.at("/edges/0/node/strengthMg").asDouble()).isEqualTo(20.0);
        assertThat(first.at("/pageInfo/hasNextPage").asBoolean()).isTrue();
        JsonNode second = client.run(FILE, "MedicineSearch", Map.of("search", "OMEPRAZOLE 20", "first", 1,
                "after", first.at("/pageInfo/endCursor").asText())).at("/data/medicines");
        assertThat(second.at("/edges/0/node/code").asText()).isEqualTo(ESOMEPRAZOLE_20);
        assertThat(second.at("/edges/0/node/formularyAlternative/code").asText()).isEqualTo(OMEPRAZOLE_20);
        assertThat(second.at("/pageInfo/hasNextPage").asBoolean()).isFalse();
        assertThat(client.run(FILE, "MedicineSearch", Map.of("search", "omeprazole zzz")).at("/data/medicines/totalCount")
                         .asInt()).isZero();
    }

    @Test
    void malformedRequestsAreBadRequestsNeverInternalErrors() {
        assertBadRequest(client.run(FILE, "MedicineSearch", Map.of("search", "a", "first", 101)));
        assertBadRequest(client.run(FILE, "MedicineSearch", Map.of("search", "a", "first", -1)));
        assertBadRequest(client.run(FILE, "MedicineSearch", Map.of("search", "a", "after", "not a cursor")));
        assertBadRequest(client.run(FILE, "RegisterPatient", Map.of("input", Map.of(
                "patientId", patientId, "practice", "A81001", "birthDate", "1950-13-45", "sex", "FEMALE"))));
        assertBadRequest(client.run(FILE, "RegisterPatient", Map.of("input", Map.of(
                "patientId", patientId, "practice", "A81001", "birthDate", "1950-01-01", "sex", "BOTH"))));
        assertBadRequest(client.run(FILE, "StartMedicine", Map.of("input", Map.of("patientId", patientId))));
        assertBadRequest(client.post("{ patient(id: \"x\") { nope } }", null, null));
        assertBadRequest(client.post("{ patient(id: ", null, null));
        JsonNode nobody = client.run(FILE, "PatientRegimen", Map.of("id", "nobody"));
        assertThat(nobody.at("/data/patient").isNull()).isTrue();
        assertThat(nobody.at("/errors/0/extensions/classification").asText()).isEqualTo("FORBIDDEN");
        assertThat(storedEvents(patientId)).isZero();
    }

    @Test
    void impossibleDatesAreBadRequestsAsLiteralsAndAsVariables() {
        for (String date : List.of("2026-02-30", "2026-13-01", "not-a-date", "2025-02-29", "2026-1-05",
                                   "2026-04-31")) {
            String id = patientId + "-" + date;
            JsonNode asVariable = client.run(FILE, "RegisterPatient", Map.of("input", Map.of(
                    "patientId", id, "practice", "A81001", "birthDate", date, "sex", "FEMALE")));
            assertBadRequest(asVariable);
            assertThat(asVariable.at("/data/registerPatient").isMissingNode()
                       || asVariable.at("/data/registerPatient").isNull()).as(date).isTrue();
            JsonNode asLiteral = client.post(registerWithLiteral(id, date), null, null);
            assertBadRequest(asLiteral);
            assertThat(asLiteral.at("/data/registerPatient").isMissingNode()
                       || asLiteral.at("/data/registerPatient").isNull()).as(date).isTrue();
            assertThat(storedEvents(id)).as(date).isZero();
        }
        // a real leap day, both ways, and it comes back as written
        JsonNode asVariable = client.mutate(FILE, "RegisterPatient", Map.of(
                "patientId", patientId + "-v", "practice", "A81001", "birthDate", "2024-02-29", "sex", "FEMALE"));
        assertThat(asVariable.get("errors")).isEmpty();
        assertThat(asVariable.at("/patient/birthDate").asText()).isEqualTo("2024-02-29");
        JsonNode asLiteral = client.post(registerWithLiteral(patientId + "-l", "2024-02-29"), null, null);
        assertThat(asLiteral.get("errors")).as(asLiteral.toString()).isNull();
        assertThat(asLiteral.at("/data/registerPatient/errors")).isEmpty();
        assertThat(asLiteral.at("/data/registerPatient/patient/birthDate").asText()).isEqualTo("2024-02-29");
    }

    private static String registerWithLiteral(String id, String birthDate) {
        return "mutation { registerPatient(input: {patientId: \"" + id + "\", practice: \"A81001\", birthDate: \""
               + birthDate + "\", sex: FEMALE}) { patient { id birthDate } errors { code field } } }";
    }

    // ------------------------------------------------------------------ helpers

    private void register(String id) {
        JsonNode payload = client.mutate(FILE, "RegisterPatient", registration(id));
        assertThat(payload.get("errors")).isEmpty();
    }

    private static Map<String, Object> registration(String id) {
        return Map.of("patientId", id, "practice", "A81001", "pcn", "U12345", "birthDate", "1950-03-01",
                      "sex", "MALE");
    }

    private void assertRejected(String operation, Map<String, ?> input, String code, String field) {
        JsonNode payload = client.mutate(FILE, operation, new HashMap<>(input));
        assertThat(payload.get("errors")).as(operation + " errors").hasSize(1);
        assertThat(payload.at("/errors/0/code").asText()).as(operation + " code").isEqualTo(code);
        assertThat(payload.at("/errors/0/field").asText()).as(operation + " field").isEqualTo(field);
        assertThat(payload.at("/errors/0/message").asText()).isNotBlank();
        payload.fieldNames().forEachRemaining(name -> {
            if (!name.equals("errors")) {
                assertThat(payload.get(name).isNull()).as(operation + "." + name + " is null").isTrue();
            }
        });
    }

    private static void assertBadRequest(JsonNode response) {
        assertThat(response.get("errors")).as(response.toString()).isNotEmpty();
        assertThat(response.get("errors")).allSatisfy(
                e -> assertThat(e.at("/extensions/classification").asText()).isEqualTo("BAD_REQUEST"));
    }

    /** The patient's regimen events (decision support may add Alert* events to the stream on its own). */
    private long storedEvents(String id) {
        return database.getCollection("events").find(Filters.eq("aggregateId", id)).into(new java.util.ArrayList<>())
                       .stream().filter(e -> !e.getString("payloadType").contains(".Alert")).count();
    }

    private static String day(int offset) {
        return TODAY.plusDays(offset).toString();
    }
}
