package uk.rxledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.ClockConfiguration;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.MedicineDispensed;
import uk.rxledger.regimen.MedicineStarted;
import uk.rxledger.regimen.PatientRegimen;
import uk.rxledger.regimen.PatientRegistered;
import uk.rxledger.regimen.Sex;
import uk.rxledger.access.Role;
import uk.rxledger.support.ContractClient;
import uk.rxledger.support.TestTokens;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NDJSON export of a patient's history, checked the way an auditor with other tools would: the chain is recomputed
 * from the exported lines alone with ADR 0001's recipe (not with the server's {@code EventHashChain}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HistoryExportTest {

    /** ADR 0001: the fields fed to the hash, in this order. */
    static final List<String> HASHED_FIELDS = List.of("aggregateId", "seq", "aggregateType", "eventId", "timestamp",
            "recordedAt", "payloadType", "payloadRevision", "payload", "metaData");

    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;
    @Autowired
    MongoDatabase database;
    @Autowired
    PatientStreams streams;
    @Autowired
    EventProcessingConfiguration processing;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aLongHistoryIsExportedLineByLineAndItsChainRecomputesFromTheLinesAlone() throws Exception {
        String patientId = "export-" + UUID.randomUUID();
        // 600 events: more than two of the export's 256-key windows.
        LocalDate since = LocalDate.now(ClockConfiguration.ZONE).minusDays(700);
        MetaData metaData = MetaData.with("actor", "pharmacist-7").and("role", "PHARMACIST")
                                    .and("correlationId", "export-test").and("reason", "naïve café ✓");
        List<DomainEventMessage<?>> history = new ArrayList<>();
        history.add(message(patientId, 0, new PatientRegistered(patientId, "A81001", "U12345",
                LocalDate.of(1960, 1, 1), Sex.FEMALE, false, Frailty.NONE), metaData));
        history.add(message(patientId, 1, new MedicineStarted(patientId, "L1", "0103050P0AAAAAA", 1, 1, since,
                "dyspepsia", null), metaData));
        for (int s = 2; s < 600; s++) {
            history.add(message(patientId, s, new MedicineDispensed(patientId, "L1", 1, since.plusDays(s)), metaData));
        }
        for (int from = 0; from < history.size(); from += 200) {
            eventStore.publish(history.subList(from, Math.min(history.size(), from + 200)));
        }
        new Settling(processing, eventStore, streams).settle(patientId);
        List<Document> stored = database.getCollection("events").find(Filters.eq("aggregateId", patientId))
                                        .sort(Sorts.ascending("seq")).into(new ArrayList<>());
        assertThat(stored).hasSizeGreaterThanOrEqualTo(600);

        HttpResponse<String> response = get("/patients/" + patientId + "/history.ndjson");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        assertThat(response.headers().firstValue("Content-Length")).as("streamed, not buffered").isEmpty();
        String[] lines = response.body().split("\n");
        assertThat(lines).hasSize(stored.size());
        assertThat(response.body()).endsWith("\n");

        String previous = "0".repeat(64);
        for (int i = 0; i < lines.length; i++) {
            JsonNode line = ContractClient.JSON.readTree(lines[i]);
            Document document = stored.get(i);
            assertThat(line.get("sequence").asLong()).isEqualTo(i);
            assertThat(line.get("previousHash").asText()).isEqualTo(previous);
            String recomputed = sha256(previous, line.get("stored"));
            assertThat(line.get("hash").asText()).as("line %d", i).isEqualTo(recomputed);
            assertThat(recomputed).isEqualTo(document.getString("hash"));
            assertThat(line.at("/stored/payload").asText()).isEqualTo(document.getString("payload"));
            assertThat(line.get("payload")).isEqualTo(ContractClient.JSON.readTree(document.getString("payload")));
            assertThat(line.get("metaData")).isEqualTo(ContractClient.JSON.readTree(document.getString("metaData")));
            assertThat("uk.rxledger.regimen." + line.get("type").asText())
                    .isEqualTo(document.getString("payloadType"));
            assertThat(line.get("revision").asText()).isEqualTo(document.getString("payloadRevision"));
            previous = recomputed;
        }
        assertThat(ContractClient.JSON.readTree(lines[0]).get("type").asText()).isEqualTo("PatientRegistered");
        assertThat(ContractClient.JSON.readTree(lines[5]).get("type").asText()).isEqualTo("MedicineDispensed");
        assertThat(ContractClient.JSON.readTree(lines[5]).at("/metaData/reason").asText()).isEqualTo("naïve café ✓");
    }

    @Test
    void anUnknownPatientIsNotFoundForAuditorsAndForbiddenForClinicians() throws Exception {
        String path = "/patients/nobody-" + UUID.randomUUID() + "/history.ndjson";
        assertThat(get(path).statusCode()).isEqualTo(404);
        HttpResponse<String> clinician = get(path, TestTokens.token("gp-1", Role.CLINICIAN, "A81001"));
        assertThat(clinician.statusCode()).isEqualTo(403);
        assertThat(ContractClient.JSON.readTree(clinician.body()).at("/errors/0/extensions/classification").asText())
                .isEqualTo("FORBIDDEN");
        assertThat(clinician.body()).doesNotContain("nobody-");
    }

    @Test
    void theExportIsAdmittedByTheRoleTable() throws Exception {
        String patientId = "export-" + UUID.randomUUID();
        eventStore.publish(message(patientId, 0, new PatientRegistered(patientId, "A81001", "U12345",
                LocalDate.of(1960, 1, 1), Sex.FEMALE, false, Frailty.NONE), MetaData.emptyInstance()));
        String path = "/patients/" + patientId + "/history.ndjson";
        assertThat(get(path, TestTokens.token("gp-1", Role.CLINICIAN, "A81001")).statusCode()).isEqualTo(200);
        assertThat(get(path, TestTokens.token("gp-2", Role.PHARMACIST, "B82002")).statusCode()).isEqualTo(403);
        assertThat(get(path, TestTokens.token("gov-1", Role.GOVERNANCE)).statusCode()).isEqualTo(403);
        assertThat(get(path, TestTokens.token("admin-1", Role.ADMIN)).statusCode()).isEqualTo(403);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(ContractClient.JSON.readTree(anonymous.body()).at("/errors/0/extensions/classification").asText())
                .isEqualTo("UNAUTHORIZED");
    }

    /** ADR 0001, independently: SHA-256 over the previous hash and netstrings of the stored values, in order. */
    static String sha256(String previousHash, JsonNode stored) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
        for (String field : HASHED_FIELDS) {
            byte[] value = stored.get(field).asText().getBytes(StandardCharsets.UTF_8);
            digest.update((value.length + ":").getBytes(StandardCharsets.US_ASCII));
            digest.update(value);
            digest.update((byte) ',');
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static DomainEventMessage<?> message(String patientId, long sequence, Object payload, MetaData metaData) {
        return new GenericDomainEventMessage<>(PatientRegimen.class.getSimpleName(), patientId, sequence, payload,
                                               metaData);
    }

    /** As an auditor. */
    private HttpResponse<String> get(String path) throws Exception {
        return get(path, TestTokens.token("auditor-1", Role.AUDITOR));
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .header("Authorization", TestTokens.bearer(token)).GET().build(),
                         HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
