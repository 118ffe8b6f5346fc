package uk.rxledger.outcomes;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.access.Role;
import uk.rxledger.support.ContractClient;

import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Every operation of the contract's outcomes-and-waste.graphql over HTTP, against a population of three practices in
 * two PCNs whose figures are worked out below. The context has a store of its own (the property below exists only to
 * give it one), because a measure's percentiles and deciles are national: other tests' practices would change them.
 *
 * <pre>
 * Practice A (PCN 1)  a1, 70: naproxen (6.1p) 1 x 2 from day1-10, 56 dispensed; switched on day1 to ibuprofen (2.6p)
 *                         1 x 2 for cost: wastes 56 - 20 = 36 x 6.1 = 219.6 -> 220p; saves (12.2 - 5.2) x 365 = 2555p.
 *                         Its PINCER A alert (NSAID, 65+, no PPI) is accepted.
 *                     a2, 72: paracetamol (2p) 1 x 2 from day1-20, 100 dispensed; a pill count on day1 finds 70 where
 *                         60 should be: 10 x 2p = 20p stockpiled, adherence 0. A structured review on day1.
 * Practice B (PCN 1)  b1, 80: amitriptyline (3.2p, ACB 3) 1 x 1 from day1-30, stopped on day1 for an adverse effect
 *                         with 5 left: 16p wasted, 3.2 x 365 = 1168p saved; ibuprofen 1 x 3 from day1 (PINCER A alert
 *                         declined).
 *                     b2, 85, care home: omeprazole and amitriptyline from day1 (ACB 3: an open SAFETY alert; SMR).
 * Practice C (PCN 2)  c1, 50: naproxen 1 x 1 from day1-5, switched on day1 to ibuprofen 1 x 3 for side effects:
 *                         saves (6.1 - 7.8) x 365 = -620.5 -> -621p (costs more), no dispensing so no waste.
 *                     c2, 66: nothing prescribed.
 * PINCER_GI_P3A (at risk: 65+ without a PPI or H2 antagonist): A 1/2 (a1 of a1, a2), B 1/1 (b1; b2 is on a PPI),
 * C 0/1 (c2; c1 is 50) -> percentiles A 50, B 100, C 0; deciles of {0, 0.5, 1}: 0.1, 0.2, ... 0.9.
 * </pre>
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
                properties = "rxledger.test.store=outcomes-end-to-end")
class OutcomesEndToEndTest {

    static final String OW = "outcomes-and-waste.graphql";
    static final String REGIMEN = "regimen.graphql";
    static final String DS = "decision-support.graphql";
    static final String NAPROXEN_500 = "1001010P0AAAEAE";
    static final String IBUPROFEN_400 = "1001010J0AAAEAE";
    static final String PARACETAMOL_500 = "0407010H0AAAMAM";
    static final String AMITRIPTYLINE_10 = "0403010B0AAAGAG";
    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";

    @LocalServerPort
    int port;
    ContractClient client;
    /** Population figures are read as governance leads read them: no single patient, every practice. */
    ContractClient governance;
    final LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));
    final YearMonth thisMonth = YearMonth.from(today);
    final LocalDate day1 = thisMonth.atDay(1);
    String a;
    String b;
    String c;
    String pcn1;
    String pcn2;

    @BeforeEach
    void setUp() {
        int n = ThreadLocalRandom.current().nextInt(10_000, 99_999);
        a = "A" + n;
        b = "B" + n;
        c = "C" + n;
        client = new ContractClient(port).as("pharmacist-7", Role.PHARMACIST, a, b, c);
        governance = new ContractClient(port).as("icb-lead-1", Role.GOVERNANCE);
        pcn1 = "U1" + n;
        pcn2 = "U2" + n;
    }

    @Test
    void everyOperationAnswersWithTheContractsMeaning() {
        String a1 = register(a, pcn1, 70, false);
        String naproxen = start(a1, NAPROXEN_500, 2, day1.minusDays(10));
        dispense(a1, naproxen, 56, day1.minusDays(10));
        String ibuprofenA = client.mutate(REGIMEN, "SwitchMedicine", Map.of("patientId", a1, "lineId", naproxen,
                "toMedicineCode", IBUPROFEN_400, "unitsPerDose", 1, "dosesPerDay", 2, "switchedOn", day1.toString(),
                "reason", "COST_EFFECTIVENESS")).at("/line/id").asText();
        String a2 = register(a, pcn1, 72, false);
        String paracetamol = start(a2, PARACETAMOL_500, 2, day1.minusDays(20));
        dispense(a2, paracetamol, 100, day1.minusDays(20));
        client.mutate(REGIMEN, "RecordAdherenceCheck", Map.of("patientId", a2, "lineId", paracetamol,
                "checkedOn", day1.toString(), "method", "PILL_COUNT", "periodStart", day1.minusDays(7).toString(),
                "periodEnd", day1.toString(), "unitsRemaining", 70));
        client.mutate(REGIMEN, "CompleteMedicationReview", Map.of("patientId", a2, "reviewedOn", day1.toString(),
                "reviewer", "pharmacist-7"));

        String b1 = register(b, pcn1, 80, false);
        String amitriptyline = start(b1, AMITRIPTYLINE_10, 1, day1.minusDays(30));
        dispense(b1, amitriptyline, 28, day1.minusDays(30));
        String ibuprofenB = start(b1, IBUPROFEN_400, 3, day1);
        client.mutate(REGIMEN, "DeprescribeMedicine", Map.of("patientId", b1, "lineId", amitriptyline,
                "stoppedOn", day1.toString(), "reason", "ADVERSE_EFFECT", "unusedQuantity", 5));
        String b2 = register(b, pcn1, 85, true);
        start(b2, OMEPRAZOLE_20, 1, day1);
        start(b2, AMITRIPTYLINE_10, 1, day1);

        String c1 = register(c, pcn2, 50, false);
        String naproxenC = start(c1, NAPROXEN_500, 1, day1.minusDays(5));
        client.mutate(REGIMEN, "SwitchMedicine", Map.of("patientId", c1, "lineId", naproxenC,
                "toMedicineCode", IBUPROFEN_400, "unitsPerDose", 1, "dosesPerDay", 3, "switchedOn", day1.toString(),
                "reason", "SIDE_EFFECTS"));
        register(c, pcn2, 66, false);

        respond(a1, openAlert(a1, "PINCER_GI_P3A", ibuprofenA), "ACCEPTED", null);
        respond(b1, openAlert(b1, "PINCER_GI_P3A", ibuprofenB), "DECLINED", "Short course agreed with rheumatology");

        // ------------------------------------------------------------------ PatientOutcomes
        JsonNode first = patient(a1);
        Map<String, Object> outcome = new HashMap<>(Map.of("activeMedicineCount", 1, "acbTotal", 0,
                "openSafetyAlertCount", 0, "monthlyCostPence", 156)); // 2 x 2.6p x 30
        outcome.put("latestAdherence", null);
        outcome.put("lastReviewOn", null);
        assertThat(first.at("/outcome")).isEqualTo(json(outcome));
        assertThat(first.at("/waste/totalWastePence").asLong()).isEqualTo(220);
        assertThat(first.at("/waste/entries/0")).isEqualTo(json(Map.of("lineId", naproxen,
                "medicine", Map.of("code", NAPROXEN_500, "name", "Naproxen 500 mg tablets"),
                "category", "SWITCHED_WITH_SUPPLY", "units", 36.0, "wastePence", 220, "occurredOn", day1.toString())));
        assertThat(first.at("/savings")).isEqualTo(json(Map.of("annualSavingsPence", 2555, "entries", List.of(
                Map.of("lineId", naproxen, "kind", "SWITCH", "reason", "COST_EFFECTIVENESS",
                       "annualSavingsPence", 2555, "occurredOn", day1.toString())))));
        assertThat(first.at("/reviewOutcomes")).isEmpty();

        JsonNode second = patient(a2);
        assertThat(second.at("/outcome/latestAdherence").asDouble()).isZero();
        assertThat(second.at("/outcome/monthlyCostPence").asLong()).isEqualTo(120); // 2 x 2p x 30
        assertThat(second.at("/outcome/lastReviewOn").asText()).isEqualTo(day1.toString());
        Map<String, Object> figures = Map.of("activeMedicineCount", 1, "acbTotal", 0, "openSafetyAlertCount", 0,
                                             "monthlyCostPence", 120);
        assertThat(second.at("/reviewOutcomes")).isEqualTo(json(List.of(Map.of("reviewedOn", day1.toString(),
                "before", figures, "after", figures, "afterAsOf", today.toString()))));
        assertThat(second.at("/waste/entries/0/category").asText()).isEqualTo("UNUSED_STOCKPILE");
        assertThat(second.at("/waste/entries/0/units").asDouble()).isEqualTo(10.0);
        assertThat(second.at("/waste/totalWastePence").asLong()).isEqualTo(20);
        assertThat(new ContractClient(port).as(Role.AUDITOR).run(OW, "PatientOutcomes", Map.of("id", "nobody"))
                .at("/data/patient").isNull()).isTrue();

        // ------------------------------------------------------------------ PracticeMetrics
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(metrics(a, thisMonth.toString())).isEqualTo(json(metrics(a, 2, 0, 0, 0, 1, 0, 1, 0, 1, 0.0,
                    0, 1, 0, 1.0, 240, 2555)));
            assertThat(metrics(b, thisMonth.toString())).isEqualTo(json(metrics(b, 2, 0, 1, 1, 0, 3, 0, 1, 0, null,
                    1, 0, 1, 0.0, 16, 1168)));
            assertThat(metrics(c, thisMonth.toString())).isEqualTo(json(metrics(c, 2, 0, 0, 0, 0, 0, 1, 0, 0, null,
                    0, 0, 0, null, 0, -621)));
        });
        JsonNode previous = metrics(a, thisMonth.minusMonths(1).toString());
        assertThat(previous.get("medicinesStarted").asInt()).isEqualTo(2);
        assertThat(previous.get("switches").asInt()).isZero();
        assertThat(metrics(b, thisMonth.minusMonths(1).toString()).get("medicinesStarted").asInt()).isEqualTo(1);

        // ------------------------------------------------------------------ MeasureAcrossPractices
        JsonNode national = governance.run(OW, "MeasureAcrossPractices", Map.of("code", "PINCER_GI_P3A",
                "month", thisMonth.toString())).at("/data/measure");
        assertThat(national.get("code").asText()).isEqualTo("PINCER_GI_P3A");
        assertThat(national.get("title").asText()).isNotBlank();
        assertThat(national.get("lowIsGood").asBoolean()).isTrue();
        assertThat(national.get("practices")).isEqualTo(json(List.of(
                measured(a, 1, 2, 0.5, 50.0), measured(b, 1, 1, 1.0, 100.0), measured(c, 0, 1, 0.0, 0.0))));
        List<Double> deciles = StreamSupport.stream(national.get("deciles").spliterator(), false)
                .map(JsonNode::asDouble).toList();
        assertThat(deciles).hasSize(9);
        for (int d = 1; d <= 9; d++) {
            assertThat(deciles.get(d - 1)).isCloseTo(d / 10.0, within(1e-9));
        }
        JsonNode inPcn1 = governance.run(OW, "MeasureAcrossPractices", Map.of("code", "PINCER_GI_P3A",
                "month", thisMonth.toString(), "pcn", pcn1)).at("/data/measure");
        assertThat(inPcn1.get("practices")).isEqualTo(json(List.of(
                measured(a, 1, 2, 0.5, 50.0), measured(b, 1, 1, 1.0, 100.0))));
        assertThat(inPcn1.get("deciles")).isEqualTo(national.get("deciles"));

        // ------------------------------------------------------------------ WasteSummary and SavingsSummary
        assertThat(waste("CATEGORY", null, null, null, null)).isEqualTo(json(List.of(
                wasteRow("STOPPED_WITH_SUPPLY", "Stopped with supply on hand", 16, 5.0, 1),
                wasteRow("SWITCHED_WITH_SUPPLY", "Switched with supply on hand", 220, 36.0, 1),
                wasteRow("UNUSED_STOCKPILE", "Unused stockpile found at a pill count", 20, 10.0, 1))));
        assertThat(waste("PRACTICE", null, pcn1, null, null)).isEqualTo(json(List.of(
                wasteRow(a, a, 240, 46.0, 2), wasteRow(b, b, 16, 5.0, 1))));
        assertThat(waste("PCN", null, null, day1, today)).isEqualTo(json(List.of(
                wasteRow(pcn1, pcn1, 256, 51.0, 3))));
        assertThat(waste("MEDICINE", a, null, null, null)).isEqualTo(json(List.of(
                wasteRow(PARACETAMOL_500, "Paracetamol 500 mg tablets", 20, 10.0, 1),
                wasteRow(NAPROXEN_500, "Naproxen 500 mg tablets", 220, 36.0, 1))));
        String monthLabel = thisMonth.getMonth().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.UK)
                + " " + thisMonth.getYear();
        assertThat(waste("MONTH", null, null, null, null)).isEqualTo(json(List.of(
                wasteRow(thisMonth.toString(), monthLabel, 256, 51.0, 3))));
        assertThat(waste("CATEGORY", null, pcn2, null, null)).isEmpty();
        assertThat(waste("CATEGORY", null, null, null, day1.minusDays(1))).isEmpty();
        assertThat(waste("PRACTICE", c, pcn1, null, null)).as("practice not in the PCN").isEmpty();

        assertThat(savings("REASON", null, null, null, null)).isEqualTo(json(List.of(
                savingsRow("ADVERSE_EFFECT", "Adverse effect", 1168, 1),
                savingsRow("COST_EFFECTIVENESS", "Cost effectiveness", 2555, 1),
                savingsRow("SIDE_EFFECTS", "Side effects", -621, 1))));
        assertThat(savings("PCN", null, null, day1, day1)).isEqualTo(json(List.of(
                savingsRow(pcn1, pcn1, 2555 + 1168, 2), savingsRow(pcn2, pcn2, -621, 1))));
        assertThat(savings("MEDICINE", null, null, null, null)).isEqualTo(json(List.of(
                savingsRow(AMITRIPTYLINE_10, "Amitriptyline 10 mg tablets", 1168, 1),
                savingsRow(NAPROXEN_500, "Naproxen 500 mg tablets", 2555 - 621, 2))));
        assertThat(savings("PRACTICE", b, null, null, null)).isEqualTo(json(List.of(savingsRow(b, b, 1168, 1))));
        assertThat(savings("MONTH", null, pcn2, null, null)).isEqualTo(json(List.of(
                savingsRow(thisMonth.toString(), monthLabel, -621, 1))));

        // ------------------------------------------------------------------ malformed requests
        assertBadRequest(governance.run(OW, "PracticeMetrics", Map.of("practice", a, "month", "2026-13")));
        assertBadRequest(governance.run(OW, "PracticeMetrics", Map.of("practice", a, "month", "March")));
        assertBadRequest(governance.run(OW, "MeasureAcrossPractices", Map.of("code", "NO_SUCH_RULE",
                                                                        "month", thisMonth.toString())));
        assertBadRequest(governance.run(OW, "MeasureAcrossPractices", Map.of("code", "PINCER_GI_P3A", "month", "2026-3")));
        assertBadRequest(governance.run(OW, "WasteSummary", Map.of("groupBy", "CATEGORY", "from", "2026-03-02",
                                                              "to", "2026-03-01")));
        assertBadRequest(governance.run(OW, "WasteSummary", Map.of("groupBy", "REASON")));
        assertBadRequest(governance.run(OW, "SavingsSummary", Map.of("groupBy", "CATEGORY")));
        assertBadRequest(governance.run(OW, "SavingsSummary", Map.of("groupBy", "NONSENSE")));
        assertBadRequest(governance.run(OW, "WasteSummary", Map.of("groupBy", "MONTH", "from", "March 2026")));
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> metrics(String practice, int registered, int ten, int acb, int smr,
                                               int reviews, int started, int switches, int deprescribings,
                                               int checks, Double adherentShare, int openSafety, int accepted,
                                               int declined, Double acceptance, long waste, long savings) {
        Map<String, Object> m = new HashMap<>();
        m.put("practice", practice);
        m.put("registeredPatients", registered);
        m.put("patientsWithTenOrMoreMedicines", ten);
        m.put("patientsWithAcbThreeOrMore", acb);
        m.put("smrEligiblePatients", smr);
        m.put("reviewsCompleted", reviews);
        m.put("medicinesStarted", started);
        m.put("switches", switches);
        m.put("deprescribings", deprescribings);
        m.put("adherenceChecks", checks);
        m.put("adherentShare", adherentShare);
        m.put("openSafetyAlerts", openSafety);
        m.put("alertsAccepted", accepted);
        m.put("alertsDeclined", declined);
        m.put("alertAcceptanceRate", acceptance);
        m.put("wastePence", waste);
        m.put("annualSavingsPence", savings);
        return m;
    }

    private JsonNode metrics(String practice, String month) {
        JsonNode response = governance.run(OW, "PracticeMetrics", Map.of("practice", practice, "month", month));
        assertThat(response.has("errors")).as(response.toString()).isFalse();
        JsonNode metrics = response.at("/data/practiceMetrics").deepCopy();
        assertThat(metrics.get("month").asText()).isEqualTo(month);
        ((com.fasterxml.jackson.databind.node.ObjectNode) metrics).remove("month");
        return metrics;
    }

    private static Map<String, Object> measured(String practice, int numerator, int denominator, double value,
                                                double percentile) {
        return Map.of("practice", practice, "numerator", numerator, "denominator", denominator, "value", value,
                      "percentile", percentile);
    }

    private static Map<String, Object> wasteRow(String key, String label, long pence, double units, int count) {
        return Map.of("key", key, "label", label, "wastePence", pence, "units", units, "entryCount", count);
    }

    private static Map<String, Object> savingsRow(String key, String label, long pence, int count) {
        return Map.of("key", key, "label", label, "annualSavingsPence", pence, "entryCount", count);
    }

    private JsonNode waste(String groupBy, String practice, String pcn, LocalDate from, LocalDate to) {
        return summary("WasteSummary", "wasteSummary", groupBy, practice, pcn, from, to);
    }

    private JsonNode savings(String groupBy, String practice, String pcn, LocalDate from, LocalDate to) {
        return summary("SavingsSummary", "savingsSummary", groupBy, practice, pcn, from, to);
    }

    /** A summary restricted to this test's practices (the store is this test's own, so "all" means these three). */
    private JsonNode summary(String operation, String field, String groupBy, String practice, String pcn,
                             LocalDate from, LocalDate to) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("groupBy", groupBy);
        variables.put("practice", practice);
        variables.put("pcn", pcn);
        variables.put("from", from == null ? null : from.toString());
        variables.put("to", to == null ? null : to.toString());
        JsonNode response = governance.run(OW, operation, variables);
        assertThat(response.has("errors")).as(response.toString()).isFalse();
        return response.at("/data/" + field);
    }

    private static void assertBadRequest(JsonNode response) {
        assertThat(response.at("/errors/0/extensions/classification").asText()).as(response.toString())
                .isEqualTo("BAD_REQUEST");
    }

    private JsonNode patient(String id) {
        JsonNode response = client.run(OW, "PatientOutcomes", Map.of("id", id));
        assertThat(response.has("errors")).as(response.toString()).isFalse();
        return response.at("/data/patient");
    }

    /** The expected value as the response would carry it (numbers parsed as the server's JSON is). */
    private static JsonNode json(Object value) {
        try {
            return ContractClient.JSON.readTree(ContractClient.JSON.writeValueAsString(value));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String register(String practice, String pcn, int age, boolean careHome) {
        String id = "ow-" + java.util.UUID.randomUUID();
        JsonNode payload = client.mutate(REGIMEN, "RegisterPatient", Map.of("patientId", id, "practice", practice,
                "pcn", pcn, "birthDate", today.minusYears(age).minusDays(10).toString(), "sex", "FEMALE",
                "careHomeResident", careHome));
        assertThat(payload.get("errors")).isEmpty();
        return id;
    }

    private String start(String patientId, String code, double dosesPerDay, LocalDate on) {
        JsonNode payload = client.mutate(REGIMEN, "StartMedicine", Map.of("patientId", patientId,
                "medicineCode", code, "unitsPerDose", 1, "dosesPerDay", dosesPerDay, "startedOn", on.toString()));
        assertThat(payload.get("errors")).as(payload.toString()).isEmpty();
        return payload.at("/line/id").asText();
    }

    private void dispense(String patientId, String lineId, double quantity, LocalDate on) {
        JsonNode payload = client.mutate(REGIMEN, "RecordDispensing", Map.of("patientId", patientId,
                "lineId", lineId, "quantity", quantity, "dispensedOn", on.toString()));
        assertThat(payload.get("errors")).as(payload.toString()).isEmpty();
    }

    /** Waits for the server to raise the rule's alert on the line; returns its id. */
    private String openAlert(String patientId, String rule, String lineId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode alerts = client.run(DS, "PatientAlerts", Map.of("id", patientId, "status", List.of("OPEN")))
                                    .at("/data/patient/alerts");
            return StreamSupport.stream(alerts.spliterator(), false)
                    .filter(x -> x.at("/rule/code").asText().equals(rule)
                            && x.at("/evidence/lineIds/0").asText().equals(lineId))
                    .map(x -> x.get("id").asText()).findFirst().orElse(null);
        }, java.util.Objects::nonNull);
    }

    private void respond(String patientId, String alertId, String decision, String reason) {
        Map<String, Object> input = new HashMap<>();
        input.put("patientId", patientId);
        input.put("alertId", alertId);
        input.put("decision", decision);
        input.put("reason", reason);
        input.put("respondedOn", today.toString());
        JsonNode payload = client.mutate(DS, "RespondToAlert", input);
        assertThat(payload.get("errors")).as(payload.toString()).isEmpty();
    }
}
