package uk.rxledger.access;

import com.fasterxml.jackson.databind.JsonNode;
import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import graphql.validation.Validator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.client.FieldAccessException;
import org.springframework.graphql.client.SubscriptionErrorException;
import org.springframework.graphql.client.WebSocketDisconnectedException;
import org.springframework.graphql.client.WebSocketGraphQlClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import uk.rxledger.contract.ContractDocumentsTest;
import uk.rxledger.support.ContractClient;
import uk.rxledger.support.TestTokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every operation of the contract (every file under src/test/resources/contract/operations) sent by every kind of
 * caller, asserting the contract's "Roles and authentication" section: allowed, FORBIDDEN or UNAUTHORIZED, and no
 * patient data in an answer that is not allowed. The expectations are written from the contract's prose here, not
 * read from {@link AccessPolicy}. The subscription goes over GraphQL WebSocket, everything else over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {

    static final Path OPERATIONS = Path.of("src/test/resources/contract/operations");
    /** Contract files of features that are not on this branch yet: their documents cannot validate. */
    static final Set<String> NOT_BUILT_HERE = Set.of();
    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";
    static final String ESOMEPRAZOLE_20 = "0103050E0AAAAAA";
    static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/London"));

    /** Who calls. */
    enum Caller {
        CLINICIAN, PHARMACIST, AUDITOR, GOVERNANCE, ADMIN, OTHER_PRACTICE_CLINICIAN, NO_TOKEN, EXPIRED_TOKEN,
        WRONG_SIGNATURE
    }

    enum Outcome { ALLOWED, FORBIDDEN, UNAUTHORIZED }

    static final Set<Caller> CARERS = EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST);
    static final Set<Caller> UNAUTHENTICATED = EnumSet.of(Caller.NO_TOKEN, Caller.EXPIRED_TOKEN, Caller.WRONG_SIGNATURE);

    /** Who may, per top-level field, from the contract: the callers not listed get FORBIDDEN. */
    static final Map<String, Set<Caller>> ALLOWED = Map.ofEntries(
            // "CLINICIAN and PHARMACIST may read and change patients of their own practices; AUDITOR may read
            // everything, including history, as-of and access logs, and change nothing"
            Map.entry("patient", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR)),
            Map.entry("regimenHistory", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR)),
            Map.entry("regimenAsOf", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR)),
            Map.entry("verifyAuditTrail", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR)),
            Map.entry("accessLog", EnumSet.of(Caller.AUDITOR)),
            Map.entry("practiceWorklist", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR)),
            Map.entry("alertRaised", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR)),
            // reference data: any authenticated caller with a contract role
            Map.entry("medicines", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR, Caller.GOVERNANCE,
                                              Caller.ADMIN, Caller.OTHER_PRACTICE_CLINICIAN)),
            Map.entry("decisionRules", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR,
                                                  Caller.GOVERNANCE, Caller.ADMIN, Caller.OTHER_PRACTICE_CLINICIAN)),
            // "GOVERNANCE may read summaries, metrics and measures but no single patient" (a practice's own
            // clinicians may see their practice's summaries; auditors read everything)
            Map.entry("wasteSummary", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR,
                                                 Caller.GOVERNANCE)),
            Map.entry("savingsSummary", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR,
                                                   Caller.GOVERNANCE)),
            Map.entry("practiceMetrics", EnumSet.of(Caller.CLINICIAN, Caller.PHARMACIST, Caller.AUDITOR,
                                                    Caller.GOVERNANCE)),
            Map.entry("measure", EnumSet.of(Caller.AUDITOR, Caller.GOVERNANCE)));

    @LocalServerPort
    int port;

    String own;
    String other;
    String ownPatient;
    String otherPatient;
    Map<Caller, ContractClient> clients;

    @BeforeAll
    void twoPracticesWithAPatientEach() {
        own = "M" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
        other = "N" + ThreadLocalRandom.current().nextInt(10_000, 99_999);
        ownPatient = "matrix-own-" + UUID.randomUUID();
        otherPatient = "matrix-other-" + UUID.randomUUID();
        ContractClient base = new ContractClient(port);
        clients = new LinkedHashMap<>();
        clients.put(Caller.CLINICIAN, base.as("gp-" + own, Role.CLINICIAN, own));
        clients.put(Caller.PHARMACIST, base.as("pharm-" + own, Role.PHARMACIST, own));
        clients.put(Caller.AUDITOR, base.as("auditor-1", Role.AUDITOR));
        clients.put(Caller.GOVERNANCE, base.as("governance-1", Role.GOVERNANCE));
        clients.put(Caller.ADMIN, base.as("admin-1", Role.ADMIN));
        clients.put(Caller.OTHER_PRACTICE_CLINICIAN, base.as("gp-" + other, Role.CLINICIAN, other));
        clients.put(Caller.NO_TOKEN, base);
        clients.put(Caller.EXPIRED_TOKEN, base.header("Authorization", TestTokens.bearer(TestTokens.token(
                "gp-" + own, List.of("CLINICIAN"), List.of(own), Duration.ofMinutes(-10), TestTokens.SECRET))));
        clients.put(Caller.WRONG_SIGNATURE, base.header("Authorization", TestTokens.bearer(TestTokens.token(
                "gp-" + own, List.of("CLINICIAN"), List.of(own), Duration.ofHours(1),
                "another-secret-of-at-least-32-bytes-0000"))));

        register(clients.get(Caller.CLINICIAN), ownPatient, own);
        register(clients.get(Caller.OTHER_PRACTICE_CLINICIAN), otherPatient, other);
    }

    private static void register(ContractClient client, String patientId, String practice) {
        assertThat(client.mutate("regimen.graphql", "RegisterPatient", Map.of("patientId", patientId,
                "practice", practice, "birthDate", "1941-02-03", "sex", "FEMALE")).get("errors")).isEmpty();
        assertThat(client.mutate("regimen.graphql", "StartMedicine", Map.of("patientId", patientId,
                "medicineCode", OMEPRAZOLE_20, "unitsPerDose", 1, "dosesPerDay", 1,
                "startedOn", TODAY.minusDays(60).toString())).get("errors")).isEmpty();
    }

    /** One contract operation: its file, name, kind and top-level fields. */
    record Operation(String file, String name, OperationDefinition.Operation kind, List<String> fields) {
        @Override
        public String toString() {
            return file + " " + name;
        }
    }

    static List<Operation> contractOperations() throws IOException {
        List<Operation> operations = new ArrayList<>();
        List<String> notValidating = new ArrayList<>();
        try (Stream<Path> files = Files.list(OPERATIONS)) {
            for (Path path : files.sorted().toList()) {
                String file = path.getFileName().toString();
                Document document = Parser.parse(Files.readString(path));
                if (!new Validator().validateDocument(ContractDocumentsTest.schema(), document, Locale.ENGLISH)
                                    .isEmpty()) {
                    notValidating.add(file);
                    continue;
                }
                for (OperationDefinition op : document.getDefinitionsOfType(OperationDefinition.class)) {
                    List<String> fields = op.getSelectionSet().getSelectionsOfType(graphql.language.Field.class)
                            .stream().map(graphql.language.Field::getName).toList();
                    operations.add(new Operation(file, op.getName(), op.getOperation(), fields));
                }
            }
        }
        assertThat(NOT_BUILT_HERE).containsAll(notValidating);
        return operations;
    }

    static Outcome expected(Operation operation, Caller caller) {
        if (UNAUTHENTICATED.contains(caller)) {
            return Outcome.UNAUTHORIZED;
        }
        Set<Caller> allowed = operation.kind() == OperationDefinition.Operation.MUTATION
                ? CARERS // "change": clinicians and pharmacists of the patient's practice only
                : ALLOWED.get(operation.fields().get(0));
        assertThat(allowed).as("expectation for %s", operation).isNotNull();
        return allowed.contains(caller) ? Outcome.ALLOWED : Outcome.FORBIDDEN;
    }

    @Test
    void everyOperationAsEveryCaller() throws IOException {
        List<Operation> operations = contractOperations();
        assertThat(operations).extracting(Operation::name).contains("RegisterPatient", "PatientRegimen",
                "RespondToAlert", "PracticeWorklist", "AlertsRaised", "RegimenHistory", "AccessLog");
        List<String> failures = new ArrayList<>();
        for (Operation operation : operations) {
            if (operation.kind() == OperationDefinition.Operation.SUBSCRIPTION) {
                continue; // everySubscriptionAsEveryCaller
            }
            for (Caller caller : Caller.values()) {
                Outcome expected = expected(operation, caller);
                HttpResponse<String> response = clients.get(caller).send(operation.file(), operation.name(),
                                                                         variables(operation.name(), caller));
                String problem = check(response, expected);
                if (problem != null) {
                    failures.add(operation + " as " + caller + ": expected " + expected + ", " + problem);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    /** Null when the answer is the expected one; else what is wrong with it. */
    private String check(HttpResponse<String> response, Outcome expected) throws IOException {
        String body = response.body();
        if (expected == Outcome.UNAUTHORIZED) {
            JsonNode json = ContractClient.JSON.readTree(body);
            return response.statusCode() == 401
                   && "UNAUTHORIZED".equals(json.at("/errors/0/extensions/classification").asText())
                   && !json.has("data") && !leaks(body) ? null : "got HTTP " + response.statusCode() + " " + body;
        }
        if (response.statusCode() != 200) {
            return "got HTTP " + response.statusCode() + " " + body;
        }
        JsonNode json = ContractClient.JSON.readTree(body);
        JsonNode errors = json.path("errors");
        if (expected == Outcome.ALLOWED) {
            return errors.isMissingNode() || errors.isEmpty() ? null : "got errors " + errors;
        }
        boolean allForbidden = errors.size() > 0 && Stream.iterate(0, i -> i + 1).limit(errors.size())
                .allMatch(i -> "FORBIDDEN".equals(errors.get(i).at("/extensions/classification").asText())
                               && AccessGate.Denied.MESSAGE.equals(errors.get(i).get("message").asText()));
        boolean noData = true;
        for (JsonNode field : json.path("data")) {
            noData &= field.isNull();
        }
        return allForbidden && noData && !leaks(body) ? null : "got " + body;
    }

    /** Whether an answer shows anything of the patients: their ids, practices or dates of birth. */
    private boolean leaks(String body) {
        return body.contains(ownPatient) || body.contains(otherPatient) || body.contains("1941-02-03")
               || body.contains(own) || body.contains(other);
    }

    /** Variables aimed at the own practice's patient (a new one for registration). */
    private Map<String, Object> variables(String operation, Caller caller) {
        String p = ownPatient;
        String day = TODAY.minusDays(1).toString();
        Map<String, Object> input = switch (operation) {
            case "RegisterPatient" -> Map.of("patientId", "matrix-new-" + UUID.randomUUID(), "practice", own,
                                             "birthDate", "1950-01-01", "sex", "MALE");
            case "RecordCondition" -> Map.of("patientId", p, "condition", "ASTHMA", "recordedOn", day);
            case "RecordObservation" -> Map.of("patientId", p, "kind", "EGFR", "observedOn", day, "value", 60);
            case "StartMedicine" -> Map.of("patientId", p, "medicineCode", OMEPRAZOLE_20, "unitsPerDose", 1,
                                           "dosesPerDay", 1, "startedOn", day);
            case "RecordDispensing" -> Map.of("patientId", p, "lineId", "L1", "quantity", 28, "dispensedOn", day);
            case "ChangeDose" -> Map.of("patientId", p, "lineId", "L1", "unitsPerDose", 2, "dosesPerDay", 1,
                                        "changedOn", day);
            case "SwitchMedicine" -> Map.of("patientId", p, "lineId", "L1", "toMedicineCode", ESOMEPRAZOLE_20,
                                            "unitsPerDose", 1, "dosesPerDay", 1, "switchedOn", day,
                                            "reason", "FORMULARY");
            case "DeprescribeMedicine" -> Map.of("patientId", p, "lineId", "L1", "stoppedOn", day,
                                                 "reason", "COURSE_COMPLETED");
            case "RecordAdherenceCheck" -> Map.of("patientId", p, "lineId", "L1", "checkedOn", day,
                                                  "method", "SELF_REPORT", "periodStart", TODAY.minusDays(20).toString(),
                                                  "periodEnd", day, "dosesMissedPerWeek", 1);
            case "CompleteMedicationReview" -> Map.of("patientId", p, "reviewedOn", day, "reviewer", "matrix");
            case "RespondToAlert" -> Map.of("patientId", p, "alertId", "A1", "decision", "ACCEPTED",
                                            "respondedOn", day);
            default -> null;
        };
        if (input != null) {
            return Map.of("input", input);
        }
        Map<String, Object> variables = new HashMap<>();
        switch (operation) {
            case "PatientRegimen", "PatientAlerts", "PatientOutcomes" -> variables.put("id", p);
            case "RegimenHistory", "VerifyAuditTrail", "AccessLog" -> variables.put("patientId", p);
            case "RegimenAsOf" -> {
                variables.put("patientId", p);
                variables.put("at", OffsetDateTime.now(ZoneOffset.UTC).toString());
            }
            case "MedicineSearch" -> variables.put("search", "omeprazole");
            case "PracticeWorklist", "PracticeMetrics" -> {
                variables.put("practice", own);
                variables.put("month", TODAY.toString().substring(0, 7));
            }
            case "WasteSummary", "SavingsSummary" -> {
                variables.put("groupBy", "PRACTICE");
                variables.put("practice", own);
            }
            case "MeasureAcrossPractices" -> {
                variables.put("code", "STOPP_D5");
                variables.put("month", TODAY.toString().substring(0, 7));
            }
            case "DecisionRules" -> {
            }
            default -> throw new AssertionError("No variables for " + operation + " (caller " + caller + ")");
        }
        return variables;
    }

    @Test
    void anUnknownPatientAndAnotherPracticesPatientGetTheSameAnswer() throws IOException {
        ContractClient clinician = clients.get(Caller.CLINICIAN);
        String unknown = "matrix-unknown-" + UUID.randomUUID();
        for (String[] op : new String[][]{{"regimen.graphql", "PatientRegimen", "id"},
                                          {"decision-support.graphql", "PatientAlerts", "id"},
                                          {"audit.graphql", "RegimenHistory", "patientId"},
                                          {"audit.graphql", "VerifyAuditTrail", "patientId"}}) {
            String forOther = clinician.send(op[0], op[1], Map.of(op[2], otherPatient)).body();
            String forUnknown = clinician.send(op[0], op[1], Map.of(op[2], unknown)).body();
            assertThat(forOther).as(op[1]).isEqualTo(forUnknown).contains("FORBIDDEN").doesNotContain(otherPatient);
        }
        Map<String, Object> start = Map.of("medicineCode", OMEPRAZOLE_20, "unitsPerDose", 1, "dosesPerDay", 1,
                                           "startedOn", TODAY.toString());
        Map<String, Object> onOther = new HashMap<>(start);
        onOther.put("patientId", otherPatient);
        Map<String, Object> onUnknown = new HashMap<>(start);
        onUnknown.put("patientId", unknown);
        assertThat(clinician.send("regimen.graphql", "StartMedicine", Map.of("input", onOther)).body())
                .isEqualTo(clinician.send("regimen.graphql", "StartMedicine", Map.of("input", onUnknown)).body())
                .contains("FORBIDDEN").doesNotContain("PATIENT_NOT_FOUND");
        // registering an id another practice uses is refused, not a DUPLICATE_PATIENT that would reveal it
        JsonNode taken = clinician.run("regimen.graphql", "RegisterPatient", Map.of("input", Map.of(
                "patientId", otherPatient, "practice", own, "birthDate", "1950-01-01", "sex", "MALE")));
        assertThat(taken.at("/errors/0/extensions/classification").asText()).isEqualTo("FORBIDDEN");
        assertThat(taken.toString()).doesNotContain("DUPLICATE_PATIENT");
        // auditors may ask about any id: null for an unknown one
        JsonNode audited = clients.get(Caller.AUDITOR).run("regimen.graphql", "PatientRegimen", Map.of("id", unknown));
        assertThat(audited.has("errors")).isFalse();
        assertThat(audited.at("/data/patient").isNull()).isTrue();
    }

    @Test
    void aTokenWithoutAContractRoleMayDoNothing() {
        ContractClient visitor = new ContractClient(port).header("Authorization", TestTokens.bearer(TestTokens.token(
                "visitor-1", List.of("VISITOR"), List.of(own), Duration.ofHours(1), TestTokens.SECRET)));
        JsonNode search = visitor.run("regimen.graphql", "MedicineSearch", Map.of("search", "omeprazole"));
        assertThat(search.at("/errors/0/extensions/classification").asText()).isEqualTo("FORBIDDEN");
    }

    @Test
    void everySubscriptionAsEveryCaller() {
        List<String> failures = new ArrayList<>();
        for (Caller caller : Caller.values()) {
            Outcome expected = UNAUTHENTICATED.contains(caller) ? Outcome.UNAUTHORIZED
                    : ALLOWED.get("alertRaised").contains(caller) ? Outcome.ALLOWED : Outcome.FORBIDDEN;
            Outcome actual = subscribe(caller);
            if (actual != expected) {
                failures.add("AlertsRaised as " + caller + ": expected " + expected + ", got " + actual);
            }
        }
        assertThat(failures).isEmpty();
    }

    private Outcome subscribe(Caller caller) {
        WebSocketGraphQlClient.Builder<?> builder = WebSocketGraphQlClient.builder(
                URI.create("ws://127.0.0.1:" + port + "/graphql-ws"), new ReactorNettyWebSocketClient());
        String token = switch (caller) {
            case CLINICIAN -> TestTokens.token("gp-" + own, Role.CLINICIAN, own);
            case PHARMACIST -> TestTokens.token("pharm-" + own, Role.PHARMACIST, own);
            case AUDITOR -> TestTokens.token("auditor-1", Role.AUDITOR);
            case GOVERNANCE -> TestTokens.token("governance-1", Role.GOVERNANCE);
            case ADMIN -> TestTokens.token("admin-1", Role.ADMIN);
            case OTHER_PRACTICE_CLINICIAN -> TestTokens.token("gp-" + other, Role.CLINICIAN, other);
            case NO_TOKEN -> null;
            case EXPIRED_TOKEN -> TestTokens.token("gp-" + own, List.of("CLINICIAN"), List.of(own),
                                                   Duration.ofMinutes(-10), TestTokens.SECRET);
            case WRONG_SIGNATURE -> TestTokens.token("gp-" + own, List.of("CLINICIAN"), List.of(own),
                                                     Duration.ofHours(1), "another-secret-of-at-least-32-bytes-0000");
        };
        if (token != null) {
            builder.interceptor(TestTokens.connectionInit(token));
        }
        WebSocketGraphQlClient ws = builder.build();
        try {
            Throwable failure = catchThrowable(() -> ws.document(ContractClient.document("decision-support.graphql"))
                    .operationName("AlertsRaised").variable("practice", own)
                    .retrieveSubscription("alertRaised").toEntity(Map.class)
                    .take(Duration.ofMillis(1500)).collectList().block(Duration.ofSeconds(20)));
            if (failure == null) {
                return Outcome.ALLOWED;
            }
            for (Throwable t = failure; t != null; t = t.getCause()) {
                String message = String.valueOf(t.getMessage());
                // the server closes the connection at connection_init with 4401; the client does not always get
                // to read the status before the socket is gone
                if (t instanceof WebSocketDisconnectedException disconnected
                        ? disconnected.getCloseStatus().getCode() == 4401
                        : message.contains("CloseStatus[code=4401") || message.contains("disconnected without a status")) {
                    return Outcome.UNAUTHORIZED;
                }
            }
            List<ResponseError> errors = failure instanceof SubscriptionErrorException e ? e.getErrors()
                    : failure instanceof FieldAccessException e ? e.getResponse().getErrors() : List.of();
            if (!errors.isEmpty() && errors.stream().allMatch(
                    e -> "FORBIDDEN".equals(String.valueOf(e.getErrorType()))
                         && AccessGate.Denied.MESSAGE.equals(e.getMessage()))) {
                return Outcome.FORBIDDEN;
            }
            throw new AssertionError("AlertsRaised as " + caller + " failed unexpectedly", failure);
        } finally {
            ws.stop().block(Duration.ofSeconds(5));
        }
    }
}
