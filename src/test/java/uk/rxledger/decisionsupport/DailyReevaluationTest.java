package uk.rxledger.decisionsupport;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.beans.factory.annotation.Autowired;
import uk.rxledger.access.Role;
import uk.rxledger.support.ContractClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rules that start to hold as time passes, with no event, are caught by the daily re-evaluation. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DailyReevaluationTest {

    static final String DIAZEPAM_2 = "0401020K0AAAHAH";

    /** A clock the test moves forward. */
    static class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

        void advance(Duration duration) {
            now.updateAndGet(i -> i.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("Europe/London");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MovableClock movableClock() {
            return new MovableClock();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    MovableClock clock;

    @Test
    void aBenzodiazepineReaching28DaysRaisesStoppD5AtTheNextDailyRun() {
        LocalDate today = LocalDate.now(clock);
        String practice = "E" + (10_000 + (int) (Math.random() * 89_999));
        ContractClient client = new ContractClient(port).as(Role.CLINICIAN, practice);
        ContractClient admin = new ContractClient(port).as(Role.ADMIN);
        String patient = "daily-" + java.util.UUID.randomUUID();
        client.mutate("regimen.graphql", "RegisterPatient", Map.of("patientId", patient, "practice", practice,
                "birthDate", today.minusYears(72).toString(), "sex", "MALE"));
        client.mutate("regimen.graphql", "StartMedicine", Map.of("patientId", patient, "medicineCode", DIAZEPAM_2,
                "unitsPerDose", 1, "dosesPerDay", 1, "startedOn", today.minusDays(27).toString()));

        // 27 days: the addictive-medicine SMR cohort holds, STOPP D5 (28 days or more) not yet.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(openRules(client, patient))
                .contains("SMR_ADDICTIVE").doesNotContain("STOPP_D5"));

        clock.advance(Duration.ofDays(1));
        JsonNode payload = admin.post("mutation($i: RunDailyEvaluationInput!) { runDailyEvaluation(input: $i) "
                                       + "{ patientsEvaluated date errors { code } } }", null,
                                       Map.of("i", Map.of("practice", practice))).at("/data/runDailyEvaluation");
        assertThat(payload.get("patientsEvaluated").asInt()).isEqualTo(1);
        assertThat(payload.get("date").asText()).isEqualTo(today.plusDays(1).toString());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(openRules(client, patient))
                .contains("SMR_ADDICTIVE", "STOPP_D5"));

        // Running it again raises nothing twice.
        admin.post("mutation($i: RunDailyEvaluationInput!) { runDailyEvaluation(input: $i) { patientsEvaluated } }",
                    null, Map.of("i", Map.of("practice", practice)));
        assertThat(openRules(client, patient).stream().filter("STOPP_D5"::equals)).hasSize(1);
    }

    private static List<String> openRules(ContractClient client, String patient) {
        JsonNode alerts = client.run("decision-support.graphql", "PatientAlerts",
                                     Map.of("id", patient, "status", List.of("OPEN"))).at("/data/patient/alerts");
        return StreamSupport.stream(alerts.spliterator(), false).map(a -> a.at("/rule/code").asText()).toList();
    }
}
