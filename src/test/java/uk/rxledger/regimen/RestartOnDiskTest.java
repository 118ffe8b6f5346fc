package uk.rxledger.regimen;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import uk.rxledger.RxLedgerApplication;
import uk.rxledger.access.Role;
import uk.rxledger.support.ContractClient;
import uk.rxledger.support.TestTokens;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local-run default keeps data on disk (mongo-java-server's H2 backend): events and read models survive a restart,
 * and the stream carries on where it stopped.
 */
class RestartOnDiskTest {

    static final String FILE = "regimen.graphql";

    @TempDir
    Path data;

    @Test
    void eventsAndReadModelsSurviveARestart() {
        String today = LocalDate.now(ZoneId.of("Europe/London")).toString();
        String line;
        try (ConfigurableApplicationContext first = start()) {
            ContractClient client = client(first);
            client.mutate(FILE, "RegisterPatient", Map.of("patientId", "restart-1", "practice", "B82001",
                    "birthDate", "1960-01-01", "sex", "MALE"));
            line = client.mutate(FILE, "StartMedicine", Map.of("patientId", "restart-1", "medicineCode",
                    "0103050P0AAAAAA", "unitsPerDose", 1, "dosesPerDay", 1, "startedOn", today))
                         .at("/line/id").asText();
        }
        try (ConfigurableApplicationContext second = start()) {
            ContractClient client = client(second);
            JsonNode patient = client.run(FILE, "PatientRegimen", Map.of("id", "restart-1")).at("/data/patient");
            assertThat(patient.get("practice").asText()).isEqualTo("B82001");
            assertThat(patient.at("/activeMedicines/0/id").asText()).isEqualTo(line);

            // The aggregate is rebuilt from the stored events: the next line gets the next id, and it is projected.
            JsonNode next = client.mutate(FILE, "StartMedicine", Map.of("patientId", "restart-1", "medicineCode",
                    "0103050P0AAAAAA", "unitsPerDose", 1, "dosesPerDay", 2, "startedOn", today));
            assertThat(next.at("/line/id").asText()).isEqualTo("L2");
            // The first run gave the rest of its block of global indexes back when it closed (ADR 0013): no holes.
            com.mongodb.client.MongoDatabase database = second.getBean(com.mongodb.client.MongoDatabase.class);
            // (The rules may add alerts meanwhile, so the count is not fixed; the indexes run 1..n either way.)
            List<Long> indexes = database.getCollection("events").find()
                    .map(d -> d.get("_id", Number.class).longValue()).into(new ArrayList<>());
            assertThat(indexes).hasSizeGreaterThanOrEqualTo(3);
            assertThat(indexes).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, indexes.size()).boxed().toList());
            assertThat(client.mutate(FILE, "RegisterPatient", Map.of("patientId", "restart-1", "practice", "B82001",
                    "birthDate", "1960-01-01", "sex", "MALE")).at("/errors/0/code").asText())
                    .isEqualTo("DUPLICATE_PATIENT");
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(RxLedgerApplication.class).run(
                "--server.port=0",
                "--rxledger.dev-jwt-secret=" + TestTokens.SECRET,
                "--rxledger.embedded-mongo.backend=H2",
                "--rxledger.embedded-mongo.file=" + data.resolve("rxledger.mv"));
    }

    private static ContractClient client(ConfigurableApplicationContext context) {
        return new ContractClient(((WebServerApplicationContext) context).getWebServer().getPort())
                .as(Role.CLINICIAN, "B82001");
    }
}
