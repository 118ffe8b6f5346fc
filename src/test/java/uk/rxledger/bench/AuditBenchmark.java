package uk.rxledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import graphql.language.AstPrinter;
import graphql.parser.Parser;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.mongo.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import uk.rxledger.ClockConfiguration;
import uk.rxledger.audit.AuditTrailVerifier;
import uk.rxledger.audit.RegimenAsOf;
import uk.rxledger.audit.RegimenHistory;
import uk.rxledger.contract.ContractDocumentsTest;
import uk.rxledger.regimen.AdherenceChecked;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.AlertFinding;
import uk.rxledger.regimen.AlertRaised;
import uk.rxledger.regimen.AlertResolved;
import uk.rxledger.regimen.Condition;
import uk.rxledger.regimen.ConditionRecorded;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.DoseChanged;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.MedicineDeprescribed;
import uk.rxledger.regimen.MedicineDispensed;
import uk.rxledger.regimen.MedicineStarted;
import uk.rxledger.regimen.MedicineSwitched;
import uk.rxledger.regimen.ObservationKind;
import uk.rxledger.regimen.ObservationRecorded;
import uk.rxledger.regimen.PatientRegimen;
import uk.rxledger.regimen.PatientRegistered;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;
import uk.rxledger.support.ContractClient;
import uk.rxledger.access.Role;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Auditors' figures (issue 5) on the embedded server (in-memory backend, spoken to over TCP by the ordinary driver):
 * with 100,000 other events stored, a patient with 1,000 events;
 * <ul>
 *     <li>the first page of {@code regimenHistory} (20 events, totalCount): goal under 50 ms;</li>
 *     <li>{@code regimenAsOf} rebuilt from all 1,000 events: goal under 100 ms;</li>
 *     <li>{@code verifyAuditTrail} over the 1,000 events: goal under 200 ms.</li>
 * </ul>
 * Each is timed in the service (what the resolver calls) and over HTTP with the contract's own operation (what an
 * auditor's tool sees; the goals are judged on this one). Median and nearest-rank p95 over {@code bench.runs} runs
 * after {@code bench.warmup} warm-up runs. Event processors are stopped while measuring (none of these reads uses them,
 * and a replay of 100,000 events would otherwise compete for the CPU). A measurement, not a test: it prints PASS/MISS.
 * Run: {@code ./mvnw -o -Pbench test -Dtest=AuditBenchmark}; report also in target/audit-benchmark.md.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.data.mongodb.uri=",
        "rxledger.embedded-mongo.backend=MEMORY",
        "axon.axonserver.enabled=false",
        "logging.level.uk.rxledger=WARN"
})
class AuditBenchmark {

    private static final int OTHER_EVENTS = Integer.getInteger("bench.otherEvents", 100_000);
    private static final int PATIENT_EVENTS = Integer.getInteger("bench.patientEvents", 1_000);
    private static final int RUNS = Integer.getInteger("bench.runs", 30);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 10);
    private static final String PATIENT = "audit-bench-patient";
    private static final String PRESCRIBER = "Dr Amelia Hartley-Brown (GMC 7654321)";

    @TestConfiguration(proxyBeanMethods = false)
    static class RoundTripCounting {
        @Bean
        MongoClientSettingsBuilderCustomizer benchRoundTrips() {
            return settings -> settings.addCommandListener(RoundTrips.INSTANCE);
        }
    }

    @LocalServerPort int port;
    @Autowired EventStore eventStore;
    @Autowired EventProcessingConfiguration processing;
    @Autowired RegimenHistory history;
    @Autowired RegimenAsOf asOf;
    @Autowired AuditTrailVerifier verifier;

    private final LocalDate today = LocalDate.now(ClockConfiguration.ZONE);
    private final MetaData metaData = MetaData.with("actor", "pharmacist-7").and("role", "PHARMACIST")
                                              .and("correlationId", "bench");

    record Measure(String name, double goalMs, BenchStats service, BenchStats http, double roundTrips) {
    }

    private String loadBefore;

    @Test
    void audit() throws Exception {
        loadBefore = loadAverage();
        processing.eventProcessors().values().forEach(EventProcessor::shutDown);
        long t0 = System.nanoTime();
        fill();
        double fillSeconds = (System.nanoTime() - t0) / 1e9;

        ContractClient client = new ContractClient(port).as(Role.AUDITOR);
        String document = ContractClient.document("audit.graphql");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Measure> measures = List.of(
                measure("regimenHistory, first page (20)", 50,
                        () -> history.page(PATIENT, 20, null).orElseThrow(),
                        http(client, document, "RegimenHistory", Map.of("patientId", PATIENT, "first", 20))),
                measure("regimenAsOf over 1,000 events", 100,
                        () -> asOf.at(PATIENT, now).orElseThrow(),
                        http(client, document, "RegimenAsOf", Map.of("patientId", PATIENT, "at", now.toString()))),
                measure("verifyAuditTrail of 1,000 events", 200,
                        () -> verifier.verify(PATIENT).filter(AuditTrailVerifier.Verification::valid).orElseThrow(),
                        http(client, document, "VerifyAuditTrail", Map.of("patientId", PATIENT))));

        // The fixed cost of a GraphQL request over HTTP on this machine, for reading the figures above.
        Measure baseline = measure("baseline: `{ __typename }` over HTTP", Double.NaN, () -> null,
                () -> client.post("{ __typename }", null, null));
        String report = report(measures, baseline, fillSeconds);
        System.out.println();
        System.out.println(report);
        Path file = Path.of("target", "audit-benchmark.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report);
    }

    // ------------------------------------------------------------------ measuring

    private Measure measure(String name, double goalMs, Callable<?> service, Callable<?> http) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            service.call();
            http.call();
        }
        List<Double> serviceMs = new ArrayList<>();
        var before = RoundTrips.INSTANCE.snapshot();
        for (int i = 0; i < RUNS; i++) {
            serviceMs.add(time(service));
        }
        long trips = RoundTrips.since(before, RoundTrips.INSTANCE.snapshot()).values().stream()
                               .mapToLong(RoundTrips.Tally::count).sum();
        List<Double> httpMs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            httpMs.add(time(http));
        }
        return new Measure(name, goalMs, BenchStats.of(serviceMs), BenchStats.of(httpMs), (double) trips / RUNS);
    }

    private static double time(Callable<?> call) throws Exception {
        long start = System.nanoTime();
        call.call();
        return (System.nanoTime() - start) / 1e6;
    }

    /**
     * Sends one operation of the contract file, with only the fragments it uses ; the
     * document is extracted once, outside the timing, as a tool holds its documents ready.
     */
    private static Callable<JsonNode> http(ContractClient client, String file, String operation,
                                           Map<String, ?> variables) {
        String one = AstPrinter.printAst(ContractDocumentsTest.operation(Parser.parse(file), operation));
        return () -> post(client, one, operation, variables);
    }

    private static JsonNode post(ContractClient client, String one, String operation, Map<String, ?> variables) {
        JsonNode response = client.post(one, operation, variables);
        if (response.has("errors") || response.at("/data").isEmpty()) {
            throw new IllegalStateException(operation + " failed: " + response);
        }
        return response;
    }

    // ------------------------------------------------------------------ the store

    /**
     * 100,000 events of 10,000 other patients (ten events each) through the event store (our engine: counter,
     * streamKey, hash chain), with the benchmark patient's 1,000 events spread among them as they would be in time.
     */
    private void fill() {
        List<Object> patientEvents = patientHistory();
        int patients = OTHER_EVENTS / 10;
        int perBatch = Math.max(1, patientEvents.size() / Math.max(1, patients / 50) + 1);
        int next = 0;
        List<DomainEventMessage<?>> batch = new ArrayList<>();
        for (int p = 0; p < patients; p++) {
            String id = String.format(Locale.ROOT, "other-%06d", p);
            List<Object> events = otherHistory(id, p);
            for (int s = 0; s < events.size(); s++) {
                batch.add(message(id, s, events.get(s)));
            }
            if (p % 50 == 49) {
                for (int i = 0; i < perBatch && next < patientEvents.size(); i++, next++) {
                    batch.add(message(PATIENT, next, patientEvents.get(next)));
                }
                eventStore.publish(batch);
                batch.clear();
            }
        }
        for (; next < patientEvents.size(); next++) {
            batch.add(message(PATIENT, next, patientEvents.get(next)));
        }
        if (!batch.isEmpty()) {
            eventStore.publish(batch);
        }
    }

    private DomainEventMessage<?> message(String id, long sequence, Object payload) {
        return new GenericDomainEventMessage<>(PatientRegimen.class.getSimpleName(), id, sequence, payload, metaData);
    }

    private List<Object> otherHistory(String id, int p) {
        LocalDate since = today.minusYears(2).plusDays(p % 200);
        return List.of(
                new PatientRegistered(id, "A81001", "U12345", LocalDate.of(1940 + p % 45, 1 + p % 12, 1 + p % 28),
                                      Sex.values()[p % 4], p % 17 == 0, Frailty.values()[p % 4]),
                new ConditionRecorded(id, Condition.values()[p % Condition.values().length], since, null),
                new MedicineStarted(id, "L1", "0103050P0AAAAAA", 1, 1, since, "Dyspepsia", PRESCRIBER),
                new MedicineDispensed(id, "L1", 28, since),
                new ObservationRecorded(id, ObservationKind.EGFR, since.plusDays(10), 55.0 + p % 40, "mL/min/1.73m2"),
                new MedicineStarted(id, "L2", "1001010P0AAAEAE", 1, 2, since.plusDays(14), "Osteoarthritis", PRESCRIBER),
                new MedicineDispensed(id, "L1", 28, since.plusDays(28)),
                new MedicineDispensed(id, "L2", 56, since.plusDays(28)),
                new MedicineDispensed(id, "L1", 28, since.plusDays(56)),
                new MedicineDispensed(id, "L2", 56, since.plusDays(56)));
    }

    /**
     * A long regimen: five lines, then cycles of dispensings, dose changes, adherence checks and alerts raised and
     * resolved, with switches and deprescribings along the way; 1,000 events in all.
     */
    private List<Object> patientHistory() {
        LocalDate day = today.minusYears(8);
        List<Object> events = new ArrayList<>();
        events.add(new PatientRegistered(PATIENT, "A81001", "U12345", LocalDate.of(1941, 2, 3), Sex.FEMALE, true,
                                         Frailty.MODERATE));
        List<String> active = new ArrayList<>();
        int lines = 0;
        int alerts = 0;
        String[] codes = {"0103050P0AAAAAA", "0103050E0AAAAAA", "1001010P0AAAEAE", "0212000B0AAABAB",
                          "0205051R0AAACAC"};
        for (; lines < 5; lines++) {
            active.add("L" + (lines + 1));
            events.add(new MedicineStarted(PATIENT, "L" + (lines + 1), codes[lines], 1, 1, day, "Indication " + lines,
                                           PRESCRIBER));
        }
        for (int cycle = 0; events.size() < PATIENT_EVENTS; cycle++) {
            day = day.plusDays(7);
            String line = active.get(cycle % active.size());
            int kind = cycle % 10;
            if (kind <= 4) {
                events.add(new MedicineDispensed(PATIENT, line, 28, day));
            } else if (kind == 5) {
                events.add(new DoseChanged(PATIENT, line, 1 + cycle % 2, 1, day, "titration", 1, 1));
            } else if (kind == 6) {
                events.add(new AdherenceChecked(PATIENT, line, day, AdherenceMethod.SELF_REPORT, day.minusDays(6), day,
                                                null, 1.0, 1 - 1.0 / 7, true, 0.80));
            } else if (kind == 7) {
                alerts++;
                events.add(new AlertRaised(PATIENT, "A" + alerts, new AlertFinding(
                        "STOPP_A3", "2026.1", "Duplicate drug class", "STOPP_V2", "SAFETY", "HIGH",
                        "https://example.org/stopp", "Two lines of the same class", "Review and stop one",
                        List.of(line), List.of(), List.of()), day));
            } else if (kind == 8) {
                events.add(new AlertResolved(PATIENT, "A" + alerts, day));
            } else if (cycle % 20 == 9) {
                String next = "L" + (++lines);
                events.add(new MedicineSwitched(PATIENT, line, codes[cycle % 5], next, codes[(cycle + 1) % 5], 1, 1,
                                                day, SwitchReason.COST_EFFECTIVENESS, 0.0));
                active.set(active.indexOf(line), next);
            } else {
                events.add(new MedicineDeprescribed(PATIENT, line, codes[cycle % 5], day,
                                                    DeprescribeReason.NO_LONGER_INDICATED, 0.0, null));
                String next = "L" + (++lines);
                active.set(active.indexOf(line), next);
                if (events.size() < PATIENT_EVENTS) {
                    events.add(new MedicineStarted(PATIENT, next, codes[cycle % 5], 1, 1, day, "Restarted", PRESCRIBER));
                }
            }
        }
        return events.subList(0, PATIENT_EVENTS);
    }

    // ------------------------------------------------------------------ report

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private String report(List<Measure> measures, Measure baseline, double fillSeconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "### Auditors: %,d other events stored, a patient with %,d events "
                + "(fill %.0f s); %d runs after %d warm-up runs; %d cores, %s%n%n", OTHER_EVENTS, PATIENT_EVENTS,
                fillSeconds, RUNS, WARMUP, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        out.append("| Operation | goal | service median | service p95 | HTTP median | HTTP p95 | HTTP best "
                   + "| driver round trips | result |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Measure m : measures) {
            boolean pass = m.http().median() < m.goalMs() && m.http().p95() < m.goalMs();
            out.append(String.format(Locale.ROOT,
                    "| %s | < %.0f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.0f | %s |%n",
                    m.name(), m.goalMs(), m.service().median(), m.service().p95(), m.http().median(), m.http().p95(),
                    m.http().min(), m.roundTrips(), pass ? "PASS" : "MISS"));
        }
        out.append(String.format(Locale.ROOT, "| %s | | | | %.1f ms | %.1f ms | %.1f ms | | |%n", baseline.name(),
                baseline.http().median(), baseline.http().p95(), baseline.http().min()));
        out.append(String.format(Locale.ROOT, "%nPASS when both the HTTP median and the HTTP p95 are under the goal. "
                + "Load average before/after: %s / %s.%n", loadBefore, loadAverage()));
        return out.toString();
    }
}
