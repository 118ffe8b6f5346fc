package uk.rxledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.ClockConfiguration;
import uk.rxledger.audit.ReadModelRebuilds;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.eventstore.EventMetadata;
import uk.rxledger.outcomes.OutcomesProjection;
import uk.rxledger.regimen.AdherenceChecked;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.AlertAnswered;
import uk.rxledger.regimen.AlertDecision;
import uk.rxledger.regimen.AlertFinding;
import uk.rxledger.regimen.AlertRaised;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.MedicationReviewCompleted;
import uk.rxledger.regimen.MedicineDeprescribed;
import uk.rxledger.regimen.MedicineDispensed;
import uk.rxledger.regimen.MedicineStarted;
import uk.rxledger.regimen.MedicineSwitched;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientRegimen;
import uk.rxledger.regimen.PatientRegistered;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;
import uk.rxledger.support.ContractClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Outcome figures (issue 4) on the embedded server: 50 practices in 10 PCNs, 100,000 patients with about ten events
 * each (1,000,000 events) appended through the event store (our engine: counter, stream keys, hash chain), histories
 * interleaved as a year of practice would record them.
 * <ol>
 *   <li>latency of practice metrics, measures and waste and savings summaries through the real HTTP/GraphQL path,
 *   with the contract's own operations (goal: p95 under 50 ms);</li>
 *   <li>the rate of a full admin rebuild of the outcome read models ({@link ReadModelRebuilds#rebuild}: reset, bulk
 *   replay, the processor resumes; until the head) against the same rebuild of the foundation's {@code patients} read
 *   model on the same store, and against the foundation's figure in BENCHMARKS.md (goal: at least 50%); beside them
 *   the processors' own replays (stop, reset the token, start).</li>
 * </ol>
 * A measurement, not a test: it prints PASS/MISS beside the goals. Run it with
 * {@code ./mvnw -o -Pbench test -Dtest=OutcomesBenchmark -Dbuild.dir=target-bench-outcomes}; sizes with
 * {@code -Dbench.patients}, {@code -Dbench.samples}, {@code -Dbench.rebuilds}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.data.mongodb.uri=",
        "rxledger.embedded-mongo.backend=MEMORY",
        "axon.axonserver.enabled=false",
        "logging.level.uk.rxledger=WARN"
})
class OutcomesBenchmark {

    private static final int PATIENTS = Integer.getInteger("bench.patients", 100_000);
    private static final int PRACTICES = 50;
    private static final int PCNS = 10;
    private static final int SAMPLES = Integer.getInteger("bench.samples", 200);
    private static final int WARM_UP = 30;
    private static final int REBUILDS = Integer.getInteger("bench.rebuilds", 1);
    private static final int COHORT = 500;
    private static final int PUBLISH_BATCH = 1_000;
    private static final double LATENCY_GOAL_MS = 50;
    private static final double REBUILD_GOAL = 0.50;
    /** BENCHMARKS.md, Foundation: the patients read model's admin rebuild at 100k stored events (median events/s). */
    private static final double FOUNDATION_REPLAY = 64_617;
    private static final String OW = "outcomes-and-waste.graphql";

    @LocalServerPort
    int port;
    @Autowired
    EventStore eventStore;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    Catalogue catalogue;
    @Autowired
    ReadModelRebuilds rebuilds;

    private final LocalDate today = LocalDate.now(ClockConfiguration.ZONE);
    private final MetaData metaData = new EventMetadata("bench", "PHARMACIST", null, UUID.randomUUID().toString())
            .toMetaData();
    private List<String> codes;
    private final List<String> patientIds = new ArrayList<>();

    record Latency(String query, double p50, double p95, double max, int samples) {
    }

    record Rate(String what, long events, double seconds) {
        double perSecond() {
            return events / seconds;
        }
    }

    @Test
    void outcomes() throws Exception {
        long started = System.nanoTime();
        codes = catalogue.all().stream().map(Medicine::code).toList();
        StreamingEventProcessor patients = processor(PatientProjection.PROCESSING_GROUP);
        StreamingEventProcessor outcomes = processor(OutcomesProjection.PROCESSING_GROUP);
        // Only the two read models measured here run: the others (worklist, alert policy, ...) are other features.
        for (EventProcessor p : processing.eventProcessors().values()) {
            if (!p.getName().equals(PatientProjection.PROCESSING_GROUP)) {
                p.shutdownAsync().get(2, TimeUnit.MINUTES);
            }
        }

        long t0 = System.nanoTime();
        long events = populate();
        double fillSeconds = seconds(t0);
        progress("appended %,d events of %,d patients in %.0f s", events, PATIENTS, fillSeconds);
        awaitHead(patients, Duration.ofMinutes(10));
        progress("patients read model caught up after %.0f s", seconds(t0));

        List<Rate> rates = new ArrayList<>();
        rates.add(replay("patients processor, full replay (foundation read model)", patients, events));
        t0 = System.nanoTime();
        outcomes.start();
        awaitHead(outcomes, Duration.ofMinutes(15));
        rates.add(new Rate("outcomes processor, first build from the whole stream", events, seconds(t0)));
        progress("%s: %,.0f events/s", rates.get(1).what(), rates.get(1).perSecond());
        for (int i = 0; i < REBUILDS; i++) {
            rates.add(replay("outcomes processor, full rebuild (reset tokens)", outcomes, events));
        }
        Rate processorRebuild = rates.get(rates.size() - 1);
        Rate patientsRebuild = rebuild("patients read model, admin rebuild (bulk replay)", patients, events);
        rates.add(patientsRebuild);
        Rate outcomesRebuild = null;
        for (int i = 0; i < REBUILDS; i++) {
            outcomesRebuild = rebuild("outcomes read model, admin rebuild (bulk replay)", outcomes, events);
            rates.add(outcomesRebuild);
        }

        List<Latency> latencies = queries();
        String report = report(events, fillSeconds, rates, latencies, seconds(started), processorRebuild,
                               patientsRebuild, outcomesRebuild);
        System.out.println(report);
        Path file = Path.of("target", "outcomes-benchmark.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report);
    }

    // ------------------------------------------------------------------ population

    /** Appends every patient's history, interleaved within cohorts; returns the number of events stored. */
    private long populate() {
        Random random = new Random(42);
        long count = 0;
        List<DomainEventMessage<?>> batch = new ArrayList<>(PUBLISH_BATCH);
        for (int cohort = 0; cohort < PATIENTS; cohort += COHORT) {
            List<List<Object>> histories = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int p = cohort; p < Math.min(PATIENTS, cohort + COHORT); p++) {
                String id = String.format(Locale.ROOT, "bench-%06d", p);
                ids.add(id);
                patientIds.add(id);
                histories.add(history(id, p, random));
            }
            int longest = histories.stream().mapToInt(List::size).max().orElse(0);
            for (int seq = 0; seq < longest; seq++) {
                for (int h = 0; h < histories.size(); h++) {
                    if (seq < histories.get(h).size()) {
                        batch.add(new GenericDomainEventMessage<>(PatientRegimen.class.getSimpleName(), ids.get(h),
                                                                  seq, histories.get(h).get(seq), metaData));
                        count++;
                        if (batch.size() >= PUBLISH_BATCH) {
                            eventStore.publish(batch);
                            batch.clear();
                        }
                    }
                }
            }
        }
        if (!batch.isEmpty()) {
            eventStore.publish(batch);
        }
        return count;
    }

    /**
     * About ten events over the last 14 months: two or three medicines with dispensings; one patient in five switches a
     * medicine (with supply on hand), one in ten stops one, one in ten has a pill count, one in six a structured
     * review, one in twenty a safety alert (half of them answered).
     */
    private List<Object> history(String id, int p, Random random) {
        int practice = p % PRACTICES;
        List<Object> events = new ArrayList<>();
        events.add(new PatientRegistered(id, String.format(Locale.ROOT, "N%05d", 10_000 + practice),
                String.format(Locale.ROOT, "U%05d", 10_000 + practice % PCNS),
                today.minusYears(20 + random.nextInt(76)).minusDays(random.nextInt(365)),
                Sex.values()[random.nextInt(2)], random.nextInt(30) == 0, Frailty.values()[random.nextInt(4)]));
        LocalDate since = today.minusDays(100 + random.nextInt(330));
        int lines = 2 + random.nextInt(2);
        for (int l = 1; l <= lines; l++) {
            LocalDate start = since.plusDays(random.nextInt(30));
            double dosesPerDay = 1 + random.nextInt(2);
            events.add(new MedicineStarted(id, "L" + l, code(random), 1, dosesPerDay, start, null, null));
            events.add(new MedicineDispensed(id, "L" + l, 28 * dosesPerDay, start));
            events.add(new MedicineDispensed(id, "L" + l, 28 * dosesPerDay, start.plusDays(28)));
        }
        LocalDate later = since.plusDays(60 + random.nextInt(20));
        int roll = random.nextInt(100);
        if (roll < 20) {
            events.add(new MedicineSwitched(id, "L1", null, "L" + (lines + 1), code(random), 1, 1, later,
                    SwitchReason.values()[random.nextInt(SwitchReason.values().length)], null));
        } else if (roll < 30) {
            events.add(new MedicineDeprescribed(id, "L2", null, later,
                    DeprescribeReason.values()[random.nextInt(DeprescribeReason.values().length)],
                    random.nextBoolean() ? 7.0 : null, null));
        } else if (roll < 40) {
            events.add(new AdherenceChecked(id, "L1", later, AdherenceMethod.PILL_COUNT, later.minusDays(5), later,
                    20.0 + random.nextInt(40), null, 0.7, false, 0.8));
        }
        if (random.nextInt(6) == 0) {
            events.add(new MedicationReviewCompleted(id, later.plusDays(random.nextInt(10)), "pharmacist",
                                                     ReviewKind.STRUCTURED, null));
        }
        if (random.nextInt(20) == 0) {
            events.add(new AlertRaised(id, "A1", new AlertFinding("PINCER_GI_P3A", "bench", "NSAID without PPI",
                    "PINCER", "SAFETY", "MEDIUM", "https://example.org", "m", "r", List.of("L1"), List.of(),
                    List.of()), later));
            if (random.nextBoolean()) {
                events.add(new AlertAnswered(id, "A1", AlertDecision.values()[random.nextInt(2)], "reviewed",
                                             later.plusDays(3), "pharmacist"));
            }
        }
        return events;
    }

    private String code(Random random) {
        return codes.get(random.nextInt(codes.size()));
    }

    // ------------------------------------------------------------------ rates

    private Rate replay(String what, StreamingEventProcessor processor, long events) throws Exception {
        processor.shutDown();
        processor.resetTokens();
        long t0 = System.nanoTime();
        processor.start();
        awaitHead(processor, Duration.ofMinutes(15));
        Rate rate = new Rate(what, events, seconds(t0));
        progress("%s: %,.0f events/s", what, rate.perSecond());
        return rate;
    }

    /** The admin rebuild ({@link ReadModelRebuilds#rebuild}: reset, bulk replay, the processor resumes) to the head. */
    private Rate rebuild(String what, StreamingEventProcessor processor, long events) throws Exception {
        long t0 = System.nanoTime();
        rebuilds.rebuild(processor.getName());
        awaitHead(processor, Duration.ofMinutes(15));
        Rate rate = new Rate(what, events, seconds(t0));
        progress("%s: %,.0f events/s", what, rate.perSecond());
        return rate;
    }

    private void awaitHead(StreamingEventProcessor processor, Duration timeout) throws InterruptedException {
        TrackingToken headToken = eventStore.createHeadToken();
        long head = headToken.position().orElseThrow();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<Integer, EventTrackerStatus> status = processor.processingStatus();
            if (status.values().stream().anyMatch(EventTrackerStatus::isErrorState)) {
                throw new IllegalStateException(processor.getName() + " failed");
            }
            if (!status.isEmpty() && status.values().stream()
                    .allMatch(s -> s.getCurrentPosition().orElse(-1) >= head)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(processor.getName() + " did not reach " + head);
            }
            Thread.sleep(20);
        }
    }

    private StreamingEventProcessor processor(String name) {
        return processing.eventProcessor(name, StreamingEventProcessor.class).orElseThrow();
    }

    // ------------------------------------------------------------------ queries

    private List<Latency> queries() {
        ContractClient client = new ContractClient(port).as(uk.rxledger.access.Role.GOVERNANCE);
        Random random = new Random(7);
        String month = YearMonth.from(today).toString();
        String lastMonth = YearMonth.from(today).minusMonths(1).toString();
        String yearAgo = today.minusYears(1).toString();
        Supplier<String> practice = () -> String.format(Locale.ROOT, "N%05d", 10_000 + random.nextInt(PRACTICES));
        Supplier<String> pcn = () -> String.format(Locale.ROOT, "U%05d", 10_000 + random.nextInt(PCNS));
        Map<String, Supplier<JsonNode>> queries = new LinkedHashMap<>();
        queries.put("PracticeMetrics, current month", () -> run(client, "PracticeMetrics",
                Map.of("practice", practice.get(), "month", month)));
        queries.put("PracticeMetrics, previous month", () -> run(client, "PracticeMetrics",
                Map.of("practice", practice.get(), "month", lastMonth)));
        queries.put("MeasureAcrossPractices, national (50 practices)", () -> run(client, "MeasureAcrossPractices",
                Map.of("code", "PINCER_GI_P3A", "month", month)));
        queries.put("MeasureAcrossPractices, one PCN", () -> run(client, "MeasureAcrossPractices",
                Map.of("code", "SMR_POLYPHARMACY", "month", month, "pcn", pcn.get())));
        queries.put("WasteSummary by MONTH, one practice, last 12 months", () -> run(client, "WasteSummary",
                Map.of("groupBy", "MONTH", "practice", practice.get(), "from", yearAgo)));
        queries.put("WasteSummary by MEDICINE, one PCN, all time", () -> run(client, "WasteSummary",
                Map.of("groupBy", "MEDICINE", "pcn", pcn.get())));
        queries.put("WasteSummary by CATEGORY, national, last 12 months", () -> run(client, "WasteSummary",
                Map.of("groupBy", "CATEGORY", "from", yearAgo)));
        queries.put("WasteSummary by PRACTICE, national, all time", () -> run(client, "WasteSummary",
                Map.of("groupBy", "PRACTICE")));
        queries.put("SavingsSummary by REASON, national, all time", () -> run(client, "SavingsSummary",
                Map.of("groupBy", "REASON")));
        queries.put("SavingsSummary by PRACTICE, one PCN, last 12 months", () -> run(client, "SavingsSummary",
                Map.of("groupBy", "PRACTICE", "pcn", pcn.get(), "from", yearAgo)));
        // A single patient's data is for the clinicians of its practice, not for governance (ADR 0012).
        String[] allPractices = java.util.stream.IntStream.range(0, PRACTICES)
                .mapToObj(i -> String.format(Locale.ROOT, "N%05d", 10_000 + i)).toArray(String[]::new);
        ContractClient pharmacist = new ContractClient(port).as(uk.rxledger.access.Role.PHARMACIST, allPractices);
        queries.put("PatientOutcomes (one patient, computed from the read model)", () -> run(pharmacist,
                "PatientOutcomes", Map.of("id", patientIds.get(random.nextInt(patientIds.size())))));
        List<Latency> latencies = new ArrayList<>();
        for (Map.Entry<String, Supplier<JsonNode>> query : queries.entrySet()) {
            for (int i = 0; i < WARM_UP; i++) {
                query.getValue().get();
            }
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                long t0 = System.nanoTime();
                query.getValue().get();
                ms.add((System.nanoTime() - t0) / 1e6);
            }
            ms.sort(Double::compare);
            latencies.add(new Latency(query.getKey(), percentile(ms, 50), percentile(ms, 95), ms.get(ms.size() - 1),
                                      ms.size()));
            progress("%s: p95 %.1f ms", query.getKey(), percentile(ms, 95));
        }
        return latencies;
    }

    private static JsonNode run(ContractClient client, String operation, Map<String, ?> variables) {
        JsonNode response = client.run(OW, operation, variables);
        if (response.has("errors") || response.path("data").isEmpty()) {
            throw new IllegalStateException(operation + " failed: " + response);
        }
        return response;
    }

    /** Nearest rank. */
    private static double percentile(List<Double> sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    // ------------------------------------------------------------------ report

    private String report(long events, double fillSeconds, List<Rate> rates, List<Latency> latencies,
                          double wholeRun, Rate processorRebuild, Rate patientsRebuild, Rate outcomesRebuild) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "## OutcomesBenchmark results (%s)%n%n",
                                 LocalDateTime.now().withNano(0)));
        out.append(String.format(Locale.ROOT, "%,d patients in %d practices (%d PCNs), %,d events appended in %.0f s "
                + "through the event store; %d cores, max heap %,d MiB, load before the queries %s; whole run %.0f s.%n%n",
                PATIENTS, PRACTICES, PCNS, events, fillSeconds, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, load(), wholeRun));
        out.append("### Queries over HTTP/GraphQL (ms)\n\n| query | p50 | p95 | max | samples | goal p95 < 50 ms |\n"
                   + "|---|---:|---:|---:|---:|---|\n");
        for (Latency l : latencies) {
            out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %d | %s |%n", l.query(), l.p50(),
                    l.p95(), l.max(), l.samples(), l.p95() < LATENCY_GOAL_MS ? "PASS" : "MISS"));
        }
        double patientsReplay = rates.get(0).perSecond();
        out.append(String.format(Locale.ROOT, "%n### Rebuild rates (whole stream)%n%n| read model | events | seconds "
                   + "| events/s | vs patients replay (same run) | vs foundation %,.0f/s |%n|---|---:|---:|---:|---:|---:|%n",
                   FOUNDATION_REPLAY));
        for (Rate r : rates) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %,.0f | %.0f%% | %.0f%% |%n", r.what(),
                    r.events(), r.seconds(), r.perSecond(), 100 * r.perSecond() / patientsReplay,
                    100 * r.perSecond() / FOUNDATION_REPLAY));
        }
        double outcomes = outcomesRebuild.perSecond();
        double patients = patientsRebuild.perSecond();
        out.append(String.format(Locale.ROOT, "%nGoal: outcome rebuild at least %.0f%% of the foundation's replay rate, "
                + "admin rebuild against admin rebuild: %s (%.0f%% of the same-run patients rebuild, %.0f%% of the "
                + "foundation's figure).%n",
                REBUILD_GOAL * 100, outcomes >= REBUILD_GOAL * Math.min(patients, FOUNDATION_REPLAY) ? "PASS" : "MISS",
                100 * outcomes / patients, 100 * outcomes / FOUNDATION_REPLAY));
        out.append(String.format(Locale.ROOT, "The same by the processors' own replays (reset tokens, no bulk "
                + "replay): outcomes %,.0f events/s, %.0f%% of the same-run patients replay.%n",
                processorRebuild.perSecond(), 100 * processorRebuild.perSecond() / patientsReplay));
        return out.toString();
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[outcomes-bench %s] %s%n", LocalDateTime.now().withNano(0),
                          String.format(Locale.ROOT, format, args));
    }
}
