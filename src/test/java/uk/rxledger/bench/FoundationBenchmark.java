package uk.rxledger.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.ConcurrencyException;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.mongo.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import uk.rxledger.ClockConfiguration;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.eventstore.EmbeddedMongoServer;
import uk.rxledger.eventstore.EventMetadata;
import uk.rxledger.eventstore.MongoEventStorageEngine;
import uk.rxledger.regimen.Condition;
import uk.rxledger.regimen.ConditionRecorded;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.MedicineDispensed;
import uk.rxledger.regimen.MedicineStarted;
import uk.rxledger.regimen.ObservationKind;
import uk.rxledger.regimen.ObservationRecorded;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientRegistered;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.RegimenCommands.RegisterPatient;
import uk.rxledger.regimen.RegimenCommands.StartMedicine;
import uk.rxledger.regimen.Sex;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import uk.rxledger.audit.ReadModelRebuilds;
import uk.rxledger.operations.InProcessApplication;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static uk.rxledger.bench.BenchStats.fmt;
import static uk.rxledger.bench.BenchStats.pct;
import static uk.rxledger.bench.BenchStats.times;

/**
 * Foundation figures (issue 2), all from one run against one embedded server (in-memory backend, the application's
 * own embedded mongo-java-server, spoken to over TCP by the ordinary driver):
 * <ol>
 *     <li>raw driver {@code insertOne} of event-shaped documents into a separate collection (the yardstick);</li>
 *     <li>{@code StartMedicine} through {@link CommandGateway#sendAndWait} on pre-registered patients, one thread and
 *     four threads (each its own patients), and the ratio to (1);</li>
 *     <li>a full rebuild of the "patients" read model (the admin rebuild, {@link ReadModelRebuilds#rebuild}: reset,
 *     bulk replay, the processor resumes; until every segment's token reaches the head) against a raw {@code find()}
 *     scan, plain and with Jackson deserialising each payload; beside it, as a diagnostic, the replay by Axon's
 *     pooled processor alone (stop, {@code resetTokens()}, start), which must give the same documents;</li>
 *     <li>all of it at 10,000 and again at 100,000 stored events, and the 100k/10k ratios (flatness).</li>
 * </ol>
 * A measurement, not a test: it asserts nothing about the goals, it prints PASS/MISS beside them.
 * Run it with {@code ./bench} (see BENCHMARKS.md); sizes can be changed with {@code -Dbench.*} properties.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "spring.data.mongodb.uri=",
        "rxledger.embedded-mongo.backend=MEMORY",
        "axon.axonserver.enabled=false",
        "logging.level.uk.rxledger=WARN"
})
@Import(BenchExperiments.class)
class FoundationBenchmark {

    // ------------------------------------------------------------------ sizes (override with -Dbench.NAME=VALUE)

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final int SMALL = Integer.getInteger("bench.small", 10_000);
    private static final int LARGE = Integer.getInteger("bench.large", 100_000);
    private static final int RAW_PER_ROUND = Integer.getInteger("bench.raw", 3_000);
    private static final int SEQ_PER_ROUND = Integer.getInteger("bench.seq", 500);
    private static final int PAR_PER_ROUND = Integer.getInteger("bench.par", 1_000);
    private static final int THREADS = Integer.getInteger("bench.threads", 4);
    /**
     * Patients per command thread; each command goes to the next patient of its thread's pool, round robin. 150 per
     * thread (750 of the 1,000 patients of the 10k stage) gives each patient ~20 new lines over a stage, a heavy
     * regimen; with 100 they grew ~55 lines and the projection's writes measured document size rather than the store.
     */
    private static final int POOL = Integer.getInteger("bench.pool", 150);
    private static final int LARGE_REPLAY_ROUNDS = Integer.getInteger("bench.largeReplayRounds", ROUNDS);
    private static final boolean PROFILE = Boolean.parseBoolean(System.getProperty("bench.profile", "true"));
    /**
     * Before anything is measured, the whole 10k stage runs once on a throw-away application context with an
     * embedded server of its own, closed afterwards: the JIT has then compiled the command, projection and replay
     * paths as far as it will, while the measured store still holds exactly the stated number of events. Without it
     * the 10k stage ran on code still being compiled (C2 compilations of 0.1 s and more, on one of the two cores).
     */
    private static final boolean JVM_WARM_UP = Boolean.parseBoolean(System.getProperty("bench.jvmWarmUp", "true"));
    private static final int EVENTS_PER_PATIENT = 10;
    private static final int SMALL_WINDOW = 50;
    private static final int COHORT = 500;
    private static final int SCAN_BATCH = 1_000;
    private static final int PUBLISH_BATCH = 500;

    private static final double COMMAND_GOAL = 0.40;
    private static final double REPLAY_GOAL = 0.25;
    private static final double FLATNESS_GOAL = 1.5;

    /** ~400 characters: makes a MedicineStarted payload about 600 bytes of JSON, the event size of the yardstick. */
    private static final String INDICATION = ("Secondary prevention after NSTEMI (March); titrate to target per cardiology "
            + "letter, check renal function and potassium within two weeks of starting and after each dose change, "
            + "review at the annual structured medication review. Patient counselled on side effects including "
            + "dizziness and dry cough; advised to report swelling of lips or tongue at once. Shared decision made "
            + "with patient and carer at the practice pharmacist clinic.");
    private static final String PRESCRIBER = "Dr Amelia Hartley-Brown (GMC 7654321)";

    /** A streaming processor whose handler does nothing: what Axon's pooled processor costs before any projection. */
    static final String NOOP = "bench-noop";

    @TestConfiguration(proxyBeanMethods = false)
    static class RoundTripCounting {
        @Bean
        MongoClientSettingsBuilderCustomizer benchRoundTrips() {
            return settings -> settings.addCommandListener(RoundTrips.INSTANCE);
        }

        @Bean
        NoopProjection benchNoopProjection() {
            return new NoopProjection();
        }
    }

    @org.axonframework.config.ProcessingGroup(NOOP)
    static class NoopProjection {
        @org.axonframework.eventhandling.EventHandler
        void on(uk.rxledger.regimen.PatientEvent event) {
            // nothing: row 3n measures the processor alone
        }
    }

    @Autowired CommandGateway gateway;
    @Autowired EventStore eventStore;
    @Autowired EventProcessingConfiguration processing;
    @Autowired MongoDatabase database;
    @Autowired EmbeddedMongoServer server;
    @Autowired Catalogue catalogue;
    @Autowired EventStorageEngine storageEngine;
    @Autowired ReadModelRebuilds rebuilds;

    @Value("${rxledger.eventstore.batch-size:500}") int eventStoreBatch;
    @Value("${rxledger.processors.batch-size:500}") int processorBatch;
    @Autowired org.axonframework.eventhandling.tokenstore.TokenStore tokenStore;
    @Value("${rxledger.processors.segments:default}") String segmentsSetting;
    @Value("${rxledger.processors.wakeup-ms:20}") long wakeupMs;
    @Value("${rxledger.eventstore.fetch-delay-ms:250}") long fetchDelayMs;
    @Value("${rxledger.eventstore.wakeup-interval-ms:5}") long producerWakeUpMs;
    @Value("${rxledger.snapshot.threshold:100}") int snapshotThreshold;
    @Value("${rxledger.embedded-mongo.backend:H2}") String backend;
    @Value("${axon.timeout.enabled:true}") boolean axonTimeouts;
    @Value("${bench.experiment:none}") String experiment;

    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Map<String, Class<?>> payloadClasses = new HashMap<>();
    private final LocalDate today = LocalDate.now(ClockConfiguration.ZONE);

    private MongoCollection<Document> events;
    private MongoCollection<Document> rawEvents;
    private Document rawTemplate;
    private long rawSequence;
    private String aggregateType;
    private List<String> medicineCodes;
    private long patientsRegistered;
    private final Map<String, AtomicInteger> poolCursors = new HashMap<>();
    private final StringBuilder profiles = new StringBuilder();
    private final List<String> stoppedProcessors = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong conflicts = new java.util.concurrent.atomic.AtomicLong();
    private String jvmWarmUp = "none (bench.jvmWarmUp=false)";
    private volatile String firstConflict;

    /** Everything measured at one store size. */
    private static final class Stage {
        final String label;
        long storedAtStart;
        long storedAtEnd;
        long headAtStart, headAtEnd;
        long conflictsSeq, conflictsPar, conflictsAll;
        long fillMillis;
        BenchStats raw, seq, par, seqPaused, replay, processorReplay, noopReplay, scan, scanJackson, window, smallWindow, engineRead;
        BenchStats seqVsRaw, parVsRaw, pausedVsRaw, replayVsJackson, replayVsScan;
        double[] seqLatency, parLatency;
        Map<String, RoundTrips.Tally> seqTrips, parTrips, rawTrips, replayTrips, pausedTrips;
        long seqOps, parOps, rawOps, replayEvents, pausedOps;
        double resetMillis;
        long readModelDocs, expectedDocs;
        boolean rebuildMatchesProcessorReplay;
        double avgDocBytes, avgPayloadChars;
        double seqPausedLatencyP50;
        /** Garbage-collection time and wall time (ms) within the measured raw and 1-thread command rounds. */
        final long[] rawGc = new long[2], seqGc = new long[2];

        Stage(String label) {
            this.label = label;
        }
    }

    @Test
    void foundation() throws Exception {
        String loadBefore = loadAverage();
        long started = System.nanoTime();
        events = database.getCollection(MongoEventStorageEngine.EVENTS);
        medicineCodes = catalogue.all().stream().map(Medicine::code).toList();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, new java.util.concurrent.ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "bench-cmd-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }
        });
        try {
            if (JVM_WARM_UP) {
                jvmWarmUp = warmUpOnAThrowAwayStore(pool);
            }
            progress("embedded server on 127.0.0.1:" + server.port() + ", backend " + backend);
            warmUp(pool);
            Stage small = stage("10k", SMALL, "S", pool, true, ROUNDS);
            Stage large = stage("100k", LARGE, "L", pool, false, LARGE_REPLAY_ROUNDS);
            if (PROFILE) {
                profile(pool);
            }
            String report = report(small, large, loadBefore, loadAverage(),
                                   (System.nanoTime() - started) / 1e9);
            System.out.println();
            System.out.println(report);
            Path file = Path.of("target", "foundation-benchmark.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, report);
            progress("report also written to " + file.toAbsolutePath());
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ phases

    /**
     * The foundation's figures are those of the event store, the command path and the patients projection: every
     * other event processor (features added after the foundation, e.g. decision support, whose handlers send commands
     * of their own) is shut down before anything is stored, so that the store's size and the background work stay
     * what the benchmark says they are.
     */
    private void stopOtherProcessors() throws Exception {
        for (var processor : processing.eventProcessors().values()) {
            if (!processor.getName().equals(PatientProjection.PROCESSING_GROUP)) {
                processor.shutdownAsync().get(2, TimeUnit.MINUTES);
                if (!processor.getName().equals(NOOP)) {
                    stoppedProcessors.add(processor.getName());
                }
            }
        }
    }

    /** Runs the warm-up and the 10k stage on a context and store of their own; returns what it did, for the report. */
    private String warmUpOnAThrowAwayStore(ExecutorService pool) throws Exception {
        long t0 = System.nanoTime();
        try (ConfigurableApplicationContext context = InProcessApplication.start(
                new Class<?>[]{RoundTripCounting.class, BenchExperiments.class},
                "--spring.main.web-application-type=none", "--spring.data.mongodb.uri=",
                "--rxledger.embedded-mongo.backend=MEMORY", "--axon.axonserver.enabled=false",
                "--logging.level.uk.rxledger=WARN")) {
            FoundationBenchmark warm = new FoundationBenchmark();
            context.getAutowireCapableBeanFactory().autowireBean(warm);
            warm.events = warm.database.getCollection(MongoEventStorageEngine.EVENTS);
            warm.medicineCodes = medicineCodes;
            progress("JVM warm-up on a throw-away store (127.0.0.1:" + warm.server.port() + ")");
            warm.warmUp(pool);
            Stage stage = warm.stage("warm-up", SMALL, "X", pool, true, ROUNDS);
            return String.format(Locale.ROOT, "the warm-up and the 10k stage, once, on a throw-away application context "
                                 + "and embedded server (%,d events stored, %.0f s; discarded)",
                                 stage.storedAtEnd, (System.nanoTime() - t0) / 1e9);
        }
    }

    private void warmUp(ExecutorService pool) throws Exception {
        long t0 = System.nanoTime();
        stopOtherProcessors();
        // Warm-up patients go through the real command path: that also tells the aggregate type and metadata shape.
        List<List<String>> pools = new ArrayList<>();
        for (int t = 0; t <= THREADS; t++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = String.format(Locale.ROOT, "W%d-%04d", t, i);
                gateway.sendAndWait(new RegisterPatient(id, "A81001", "U12345", LocalDate.of(1950, 3, 14),
                                                        Sex.FEMALE, false, Frailty.MILD), metadata());
                ids.add(id);
                patientsRegistered++;
            }
            pools.add(ids);
        }
        Document first = events.find(eq("streamKey", MongoEventStorageEngine.streamKey("W0-0000", 0))).first();
        aggregateType = first.getString("aggregateType");
        sequentialRound(pools.get(0), 1, null);
        String started = "W0-0000";
        rawTemplate = events.find(eq("streamKey", MongoEventStorageEngine.streamKey(started, 1))).first();
        if (rawTemplate == null || !MedicineStarted.class.getName().equals(rawTemplate.getString("payloadType"))) {
            throw new IllegalStateException("Expected a MedicineStarted at " + started + "/1 but found " + rawTemplate);
        }
        rawEvents = database.getCollection("bench_raw_events");
        rawEvents.createIndex(Indexes.ascending("streamKey"), new IndexOptions().unique(true).name("streamKey"));
        rawEvents.createIndex(Indexes.ascending("eventId"), new IndexOptions().unique(true).name("eventId"));
        // Every measured path, twice, so that the JIT has compiled them before the 10k stage.
        for (int i = 0; i < 2; i++) {
            sequentialRound(pools.get(0), 300, null);
            parallelRound(pools.subList(1, THREADS + 1), 400, pool, null);
            awaitCaughtUp(Duration.ofMinutes(2));
            stopProcessor();
            sequentialRound(pools.get(0), 200, null);
            processor().start();
            awaitCaughtUp(Duration.ofMinutes(2));
            rawRound(3_000);
            scanRound(false);
            scanRound(true);
            windowRound(eventStoreBatch);
            windowRound(SMALL_WINDOW);
            engineReadRound();
            rebuildRound();
            replayRound(null);
        }
        progress(String.format(Locale.ROOT, "warm-up done in %.1f s (aggregate type %s, %d events stored)",
                               (System.nanoTime() - t0) / 1e9, aggregateType, head()));
    }

    /**
     * Everything at one store size. The machine is shared, so the rounds of the figures that are compared with each
     * other are interleaved (replay, scans, ... in round 1, then in round 2, ...; likewise raw insertOne and the
     * commands): each ratio is the median of per-round ratios of figures taken seconds apart, under the same load.
     */
    private Stage stage(String label, int target, String prefix, ExecutorService pool, boolean warmUp, int readRounds)
            throws Exception {
        Stage stage = new Stage(label);
        long conflictsAtStart = conflicts.get();
        progress("stage " + label + ": filling to " + target + " events");
        stopProcessor();
        long t0 = System.nanoTime();
        List<String> benchPatients = fillTo(target, prefix);
        stage.fillMillis = (System.nanoTime() - t0) / 1_000_000;
        stage.storedAtStart = stored();
        stage.headAtStart = head();
        stage.expectedDocs = patientsRegistered;
        progress(String.format(Locale.ROOT, "stage %s: %d events stored (fill %.1f s)", label, stage.storedAtStart,
                               stage.fillMillis / 1e3));
        measureDocumentSizes(stage);

        // (3) reads: the replay (stop, resetTokens, start, wait for every segment to reach the head), the raw scans
        // and the diagnostics, round by round.
        rebuildRound(); // a warm-up round at each size: the first rebuild after a fill meets the fill's garbage
        if (warmUp) {
            replayRound(null);
        }
        List<Double> replays = new ArrayList<>(), scans = new ArrayList<>(), jacksonScans = new ArrayList<>();
        List<Double> windows = new ArrayList<>(), smallWindows = new ArrayList<>(), engineReads = new ArrayList<>();
        List<Double> noopReplays = new ArrayList<>(), processorReplays = new ArrayList<>();
        Map<String, RoundTrips.Tally> replayTrips = new java.util.TreeMap<>();
        double resetTotal = 0;
        for (int r = 0; r < readRounds; r++) {
            double[] reset = new double[1];
            Map<String, RoundTrips.Tally> before = RoundTrips.INSTANCE.snapshot();
            replays.add(rebuildRound());
            add(replayTrips, RoundTrips.since(before, RoundTrips.INSTANCE.snapshot()));
            String rebuilt = r == readRounds - 1 ? readModelDigest() : null;
            processorReplays.add(replayRound(reset));
            if (rebuilt != null) {
                stage.rebuildMatchesProcessorReplay = rebuilt.equals(readModelDigest());
            }
            resetTotal += reset[0];
            scans.add(scanRound(false));
            jacksonScans.add(scanRound(true));
            windows.add(windowRound(eventStoreBatch));
            smallWindows.add(windowRound(SMALL_WINDOW));
            engineReads.add(engineReadRound());
            noopReplays.add(replayRound(NOOP, null));
            stopProcessor(NOOP);
            progress(String.format(Locale.ROOT, "stage %s read round %d: rebuild %s events/s, processor replay %s, "
                                   + "scan %s, scan+Jackson %s, $in %d %s, $in %d %s, engine %s, no-op processor %s",
                                   label, r + 1, fmt(replays.get(r)), fmt(processorReplays.get(r)),
                                   fmt(scans.get(r)), fmt(jacksonScans.get(r)), eventStoreBatch,
                                   fmt(windows.get(r)), SMALL_WINDOW, fmt(smallWindows.get(r)),
                                   fmt(engineReads.get(r)), fmt(noopReplays.get(r))));
        }
        stage.replay = BenchStats.of(replays);
        stage.scan = BenchStats.of(scans);
        stage.scanJackson = BenchStats.of(jacksonScans);
        stage.window = BenchStats.of(windows);
        stage.smallWindow = BenchStats.of(smallWindows);
        stage.engineRead = BenchStats.of(engineReads);
        stage.noopReplay = BenchStats.of(noopReplays);
        stage.processorReplay = BenchStats.of(processorReplays);
        stage.replayVsJackson = BenchStats.of(ratios(replays, jacksonScans));
        stage.replayVsScan = BenchStats.of(ratios(replays, scans));
        stage.replayTrips = replayTrips;
        stage.replayEvents = stage.storedAtStart * readRounds;
        stage.resetMillis = resetTotal / readRounds;
        stage.readModelDocs = database.getCollection(PatientProjection.COLLECTION).countDocuments();

        // (1) and (2) writes: raw insertOne, commands on 1 thread, on THREADS threads, and 1 thread with the processor
        // stopped, round by round; after each command round the processor catches up before the next figure.
        List<String> seqPool = benchPatients.subList(0, POOL);
        List<List<String>> parPools = new ArrayList<>();
        for (int t = 1; t <= THREADS; t++) {
            parPools.add(benchPatients.subList(t * POOL, (t + 1) * POOL));
        }
        rawRound(RAW_PER_ROUND);
        sequentialRound(seqPool, SEQ_PER_ROUND, null);
        awaitCaughtUp(Duration.ofMinutes(2));
        parallelRound(parPools, PAR_PER_ROUND, pool, null);
        awaitCaughtUp(Duration.ofMinutes(2));
        List<Double> raws = new ArrayList<>(), seqs = new ArrayList<>(), pars = new ArrayList<>();
        List<Double> paused = new ArrayList<>();
        List<Long> seqLatencies = new ArrayList<>(), pausedLatencies = new ArrayList<>();
        List<Long> parLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, RoundTrips.Tally> rawTrips = new java.util.TreeMap<>(), seqTrips = new java.util.TreeMap<>();
        Map<String, RoundTrips.Tally> parTrips = new java.util.TreeMap<>(), pausedTrips = new java.util.TreeMap<>();
        for (int r = 0; r < ROUNDS; r++) {
            Map<String, RoundTrips.Tally> before = RoundTrips.INSTANCE.snapshot();
            long[] gc = gcClock();
            raws.add(rawRound(RAW_PER_ROUND));
            gc = addGc(stage.rawGc, gc);
            add(rawTrips, RoundTrips.since(before, before = RoundTrips.INSTANCE.snapshot()));

            long conflictsBefore = conflicts.get();
            seqs.add(sequentialRound(seqPool, SEQ_PER_ROUND, seqLatencies));
            addGc(stage.seqGc, gc);
            add(seqTrips, RoundTrips.since(before, RoundTrips.INSTANCE.snapshot()));
            stage.conflictsSeq += conflicts.get() - conflictsBefore;
            awaitCaughtUp(Duration.ofMinutes(2));

            conflictsBefore = conflicts.get();
            before = RoundTrips.INSTANCE.snapshot();
            pars.add(parallelRound(parPools, PAR_PER_ROUND, pool, parLatencies));
            add(parTrips, RoundTrips.since(before, RoundTrips.INSTANCE.snapshot()));
            stage.conflictsPar += conflicts.get() - conflictsBefore;
            awaitCaughtUp(Duration.ofMinutes(2));

            // diagnostic: one thread with the patients processor stopped (nothing else competing for the CPUs)
            stopProcessor();
            before = RoundTrips.INSTANCE.snapshot();
            paused.add(sequentialRound(seqPool, SEQ_PER_ROUND, pausedLatencies));
            add(pausedTrips, RoundTrips.since(before, RoundTrips.INSTANCE.snapshot()));
            processor().start();
            awaitCaughtUp(Duration.ofMinutes(2));
            progress(String.format(Locale.ROOT, "stage %s write round %d: raw insertOne %s/s, 1 thread %s cmds/s, "
                                   + "%d threads %s cmds/s, 1 thread without processor %s cmds/s", label, r + 1,
                                   fmt(raws.get(r)), fmt(seqs.get(r)), THREADS, fmt(pars.get(r)),
                                   fmt(paused.get(r))));
        }
        stage.raw = BenchStats.of(raws);
        stage.seq = BenchStats.of(seqs);
        stage.par = BenchStats.of(pars);
        stage.seqPaused = BenchStats.of(paused);
        stage.seqVsRaw = BenchStats.of(ratios(seqs, raws));
        stage.pausedVsRaw = BenchStats.of(ratios(paused, raws));
        stage.parVsRaw = BenchStats.of(ratios(pars, raws));
        stage.seqLatency = latencyPercentiles(seqLatencies);
        stage.parLatency = latencyPercentiles(parLatencies);
        stage.seqPausedLatencyP50 = latencyPercentiles(pausedLatencies)[0];
        stage.rawTrips = rawTrips;
        stage.seqTrips = seqTrips;
        stage.parTrips = parTrips;
        stage.pausedTrips = pausedTrips;
        stage.rawOps = (long) ROUNDS * RAW_PER_ROUND;
        stage.seqOps = (long) ROUNDS * SEQ_PER_ROUND;
        stage.parOps = (long) ROUNDS * (PAR_PER_ROUND / THREADS) * THREADS;
        stage.pausedOps = (long) ROUNDS * SEQ_PER_ROUND;
        stage.storedAtEnd = stored();
        stage.headAtEnd = head();
        stage.conflictsAll = conflicts.get() - conflictsAtStart;
        return stage;
    }

    private static List<Double> ratios(List<Double> numerators, List<Double> denominators) {
        List<Double> result = new ArrayList<>();
        for (int i = 0; i < numerators.size(); i++) {
            result.add(numerators.get(i) / denominators.get(i));
        }
        return result;
    }

    private static void add(Map<String, RoundTrips.Tally> total, Map<String, RoundTrips.Tally> more) {
        more.forEach((k, v) -> total.merge(k, v, (a, b) -> new RoundTrips.Tally(a.count() + b.count(),
                                                                               a.nanos() + b.nanos())));
    }

    /** One more pass of each measured path with the stack sampler on, to show where the time goes. */
    private void profile(ExecutorService pool) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            ids.add(String.format(Locale.ROOT, "L-%06d", i));
        }
        try (StackSampler sampler = new StackSampler(5)) {
            sequentialRound(ids, SEQ_PER_ROUND * 2, null);
            sampler.close();
            profiles.append(sampler.report("StartMedicine, 1 thread, " + (SEQ_PER_ROUND * 2) + " commands", 14, 8));
        }
        awaitCaughtUp(Duration.ofMinutes(2));
        List<List<String>> parPools = new ArrayList<>();
        for (int t = 1; t <= THREADS; t++) {
            List<String> p = new ArrayList<>();
            for (int i = t * POOL; i < (t + 1) * POOL; i++) {
                p.add(String.format(Locale.ROOT, "L-%06d", i));
            }
            parPools.add(p);
        }
        try (StackSampler sampler = new StackSampler(5)) {
            parallelRound(parPools, PAR_PER_ROUND * 2, pool, null);
            sampler.close();
            profiles.append('\n').append(sampler.report(
                    "StartMedicine, " + THREADS + " threads, " + (PAR_PER_ROUND * 2) + " commands", 14, 8));
        }
        awaitCaughtUp(Duration.ofMinutes(2));
        try (StackSampler sampler = new StackSampler(5)) {
            rebuildRound();
            sampler.close();
            profiles.append('\n').append(sampler.report("rebuild of " + head() + " events", 16, 10));
        }
        progress("profiles taken");
    }

    // ------------------------------------------------------------------ measured operations

    /** Raw driver insertOne of event-shaped documents (a stored MedicineStarted, new keys); returns docs/s. */
    private double rawRound(int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long id = ++rawSequence;
            Document document = new Document(rawTemplate);
            String aggregateId = "R-" + id;
            document.put("_id", id);
            document.put("eventId", UUID.randomUUID().toString());
            document.put("aggregateId", aggregateId);
            document.put("streamKey", MongoEventStorageEngine.streamKey(aggregateId, 0));
            rawEvents.insertOne(document);
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** StartMedicine on the pool's patients in turn through sendAndWait; returns commands/s. */
    private double sequentialRound(List<String> patients, int n, List<Long> latencies) {
        AtomicInteger cursor = cursor(patients);
        long t0 = System.nanoTime();
        int done = 0;
        for (int i = 0; i < n; i++) {
            long c0 = System.nanoTime();
            if (send(patients.get(Math.floorMod(cursor.getAndIncrement(), patients.size())), i)) {
                done++;
            }
            if (latencies != null) {
                latencies.add(System.nanoTime() - c0);
            }
        }
        return done / ((System.nanoTime() - t0) / 1e9);
    }

    /** {@code n} commands split over the threads, each on its own pool of patients; returns commands/s. */
    private double parallelRound(List<List<String>> pools, int n, ExecutorService executor, List<Long> latencies)
            throws Exception {
        int perThread = n / pools.size();
        CountDownLatch ready = new CountDownLatch(pools.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (List<String> patients : pools) {
            AtomicInteger cursor = cursor(patients);
            futures.add(executor.submit(() -> {
                ready.countDown();
                go.await();
                int done = 0;
                for (int i = 0; i < perThread; i++) {
                    long c0 = System.nanoTime();
                    if (send(patients.get(Math.floorMod(cursor.getAndIncrement(), patients.size())), i)) {
                        done++;
                    }
                    if (latencies != null) {
                        latencies.add(System.nanoTime() - c0);
                    }
                }
                return done;
            }));
        }
        ready.await();
        long t0 = System.nanoTime();
        go.countDown();
        int done = 0;
        for (Future<Integer> f : futures) {
            done += f.get(5, TimeUnit.MINUTES);
        }
        return done / ((System.nanoTime() - t0) / 1e9);
    }

    private AtomicInteger cursor(List<String> patients) {
        return poolCursors.computeIfAbsent(patients.get(0), k -> new AtomicInteger());
    }

    /**
     * Sends one StartMedicine; false when it failed with a ConcurrencyException. Each thread has its own patients, so
     * such a failure is not a real conflict: it is counted (and reported) instead of ending the run.
     */
    private boolean send(String patientId, int i) {
        StartMedicine command = new StartMedicine(patientId, medicineCodes.get(Math.floorMod(i * 7, medicineCodes.size())),
                                                  1.0, 2.0, today.minusDays(i % 365), INDICATION, PRESCRIBER);
        Recorded recorded;
        try {
            recorded = gateway.sendAndWait(command, metadata());
        } catch (ConcurrencyException e) {
            if (conflicts.incrementAndGet() == 1) {
                firstConflict = e + (e.getCause() == null ? "" : " caused by " + e.getCause());
                progress("first failed command: " + firstConflict);
            }
            return false;
        }
        if (recorded == null || recorded.lineId() == null) {
            throw new IllegalStateException("StartMedicine on " + patientId + " returned " + recorded);
        }
        return true;
    }

    private static MetaData metadata() {
        return new EventMetadata("bench-user", "PRESCRIBER", null, UUID.randomUUID().toString()).toMetaData();
    }

    /**
     * The admin rebuild of the patients read model ({@link ReadModelRebuilds#rebuild}: stop, reset, bulk replay, start)
     * until every segment of the restarted processor stands at the head; timed from the call, reset included.
     */
    private double rebuildRound() throws Exception {
        String name = PatientProjection.PROCESSING_GROUP;
        stopProcessor(name);
        long head = head();
        long count = stored();
        long t0 = System.nanoTime();
        rebuilds.rebuild(name);
        awaitPosition(name, head, Duration.ofMinutes(5));
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * A digest of every patients document and every line document (ADR 0014) in key order: the rebuild and the
     * processor's replay must agree. A line's {@code lastSeq} (its patient's when the line was last written) depends
     * on how events fell into batches, so it is left out.
     */
    private String readModelDigest() throws Exception {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        for (String collection : List.of(PatientProjection.COLLECTION, PatientProjection.LINES)) {
            for (Document document : database.getCollection(collection).find().sort(new Document("_id", 1))) {
                if (collection.equals(PatientProjection.LINES)) {
                    document.remove("lastSeq");
                }
                digest.update(document.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /** Stops the patients processor, resets its tokens, starts it and waits until every segment reaches the head. */
    private double replayRound(double[] resetMillis) throws Exception {
        return replayRound(PatientProjection.PROCESSING_GROUP, resetMillis);
    }

    private double replayRound(String name, double[] resetMillis) throws Exception {
        stopProcessor(name);
        StreamingEventProcessor processor = processor(name);
        long head = head();
        long count = stored();
        long r0 = System.nanoTime();
        processor.resetTokens();
        if (resetMillis != null) {
            resetMillis[0] = (System.nanoTime() - r0) / 1e6;
        }
        long t0 = System.nanoTime();
        processor.start();
        awaitPosition(name, head, Duration.ofMinutes(5));
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    /** A driver {@code find()} over the whole events collection, optionally deserialising each payload. */
    private double scanRound(boolean jackson) throws IOException {
        long n = 0;
        long checksum = 0;
        long t0 = System.nanoTime();
        // An explicit batch size: mongo-java-server would otherwise answer the first getMore with every remaining
        // document at once, beyond the driver's 48 MB message limit at 100k events.
        for (Document document : events.find().batchSize(SCAN_BATCH)) {
            n++;
            String payload = document.getString("payload");
            if (jackson) {
                Object value = mapper.readValue(payload, payloadClass(document.getString("payloadType")));
                checksum += value.hashCode();
            } else {
                checksum += payload.length();
            }
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        if (checksum == 42) {
            progress("(checksum " + checksum + ")");
        }
        return rate;
    }

    /** The storage engine's access pattern without the engine: {@code _id $in} over consecutive windows. */
    private double windowRound(int window) {
        long max = head();
        long n = 0;
        long t0 = System.nanoTime();
        for (long start = 1; start <= max; start += window) {
            List<Long> ids = new ArrayList<>(window);
            for (long id = start; id < start + window && id <= max; id++) {
                ids.add(id);
            }
            for (Document ignored : events.find(in("_id", ids))) {
                n++;
            }
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /** The whole stream through our storage engine ({@code readEvents(null)}), payload and metadata deserialised. */
    private double engineReadRound() {
        long[] n = new long[2];
        long t0 = System.nanoTime();
        try (var stream = storageEngine.readEvents(null, false)) {
            stream.forEach(message -> {
                n[0]++;
                n[1] += message.getPayload().hashCode() + message.getMetaData().size();
            });
        }
        return n[0] / ((System.nanoTime() - t0) / 1e9);
    }

    private Class<?> payloadClass(String name) {
        return payloadClasses.computeIfAbsent(name, k -> {
            try {
                return Class.forName(k);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    // ------------------------------------------------------------------ filling the store

    /**
     * Appends realistic regimen histories (ten events per patient: registration, a condition, two medicines started,
     * an eGFR, five dispensings) through {@link EventStore#publish}, i.e. our storage engine with its counter,
     * streamKey and hash chain, until the store holds {@code target} events. The first patients serve the command
     * measurements as their pre-registered patients.
     */
    private List<String> fillTo(long target, String prefix) {
        long missing = target - stored();
        if (missing < (long) (THREADS + 1) * POOL * EVENTS_PER_PATIENT) {
            throw new IllegalStateException("Not enough room below " + target + " events for the benchmark patients");
        }
        int full = (int) (missing / EVENTS_PER_PATIENT);
        int rest = (int) (missing % EVENTS_PER_PATIENT);
        List<String> ids = new ArrayList<>();
        List<DomainEventMessage<?>> batch = new ArrayList<>(PUBLISH_BATCH);
        MetaData metaData = metadata().and("traceId", UUID.randomUUID().toString());
        int patients = full + (rest > 0 ? 1 : 0);
        // Histories are interleaved within cohorts, as a practice records them over months: a patient's ten events
        // are spread over ~COHORT * 10 events of the global stream rather than stored back to back.
        for (int cohort = 0; cohort < patients; cohort += COHORT) {
            List<List<DomainEventMessage<?>>> histories = new ArrayList<>();
            for (int p = cohort; p < Math.min(patients, cohort + COHORT); p++) {
                String id = String.format(Locale.ROOT, "%s-%06d", prefix, p);
                ids.add(id);
                histories.add(history(id, p, p < full ? EVENTS_PER_PATIENT : rest, metaData));
            }
            for (int seq = 0; seq < EVENTS_PER_PATIENT; seq++) {
                for (List<DomainEventMessage<?>> history : histories) {
                    if (seq < history.size()) {
                        batch.add(history.get(seq));
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
        patientsRegistered += ids.size();
        if (stored() != target) {
            throw new IllegalStateException("Filled to " + stored() + " instead of " + target);
        }
        return ids;
    }

    private List<DomainEventMessage<?>> history(String id, int p, int count, MetaData metaData) {
        LocalDate birth = LocalDate.of(1940 + p % 45, 1 + p % 12, 1 + p % 28);
        LocalDate since = today.minusYears(2).plusDays(p % 200);
        String code1 = medicineCodes.get(p % medicineCodes.size());
        String code2 = medicineCodes.get((p * 31 + 7) % medicineCodes.size());
        List<Object> payloads = List.of(
                new PatientRegistered(id, "A81001", "U12345", birth, Sex.values()[p % 4], p % 17 == 0,
                                      Frailty.values()[p % 4]),
                new ConditionRecorded(id, Condition.values()[p % Condition.values().length], since, null),
                new MedicineStarted(id, "L1", code1, 1.0, 1.0, since, "Hypertension, stage 2", PRESCRIBER),
                new MedicineDispensed(id, "L1", 28, since),
                new ObservationRecorded(id, ObservationKind.EGFR, since.plusDays(10), 55.0 + p % 40,
                                        "mL/min/1.73m2"),
                new MedicineStarted(id, "L2", code2, 2.0, 2.0, since.plusDays(14), "Type 2 diabetes", PRESCRIBER),
                new MedicineDispensed(id, "L1", 28, since.plusDays(28)),
                new MedicineDispensed(id, "L2", 112, since.plusDays(28)),
                new MedicineDispensed(id, "L1", 28, since.plusDays(56)),
                new MedicineDispensed(id, "L2", 112, since.plusDays(56)));
        List<DomainEventMessage<?>> messages = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) {
            messages.add(new GenericDomainEventMessage<>(aggregateType, id, seq, payloads.get(seq), metaData));
        }
        return messages;
    }

    /** Garbage-collection time so far (ms, all collectors) and the wall clock (ms). */
    private static long[] gcClock() {
        long gc = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, bean.getCollectionTime());
        }
        return new long[]{gc, System.nanoTime() / 1_000_000};
    }

    /** Adds the collection and wall time since {@code since} to {@code total}; returns the clock now. */
    private static long[] addGc(long[] total, long[] since) {
        long[] now = gcClock();
        total[0] += now[0] - since[0];
        total[1] += now[1] - since[1];
        return now;
    }

    private void measureDocumentSizes(Stage stage) {
        long bytes = 0;
        long payload = 0;
        int n = 0;
        for (RawBsonDocument document : database.getCollection(MongoEventStorageEngine.EVENTS, RawBsonDocument.class)
                                                .find().limit(5_000)) {
            bytes += document.getByteBuffer().remaining();
            payload += document.getString("payload").getValue().length();
            n++;
        }
        stage.avgDocBytes = (double) bytes / n;
        stage.avgPayloadChars = (double) payload / n;
    }

    // ------------------------------------------------------------------ the processor

    private StreamingEventProcessor processor() {
        return processor(PatientProjection.PROCESSING_GROUP);
    }

    private StreamingEventProcessor processor(String name) {
        return processing.eventProcessor(name, StreamingEventProcessor.class)
                         .orElseThrow(() -> new IllegalStateException("No streaming processor '" + name + "'"));
    }

    private void stopProcessor() throws Exception {
        stopProcessor(PatientProjection.PROCESSING_GROUP);
    }

    private void stopProcessor(String name) throws Exception {
        StreamingEventProcessor processor = processor(name);
        if (processor.isRunning()) {
            processor.shutdownAsync().get(2, TimeUnit.MINUTES);
        }
    }

    private void awaitCaughtUp(Duration timeout) throws InterruptedException {
        awaitPosition(PatientProjection.PROCESSING_GROUP, head(), timeout);
    }

    /** Waits until every segment of the named processor has processed (and stored its token up to) {@code head}. */
    private void awaitPosition(String name, long head, Duration timeout) throws InterruptedException {
        StreamingEventProcessor processor = processor(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        int expected = 0;
        while (true) {
            if (expected == 0) {
                expected = tokenStore.fetchSegments(name).length; // 0 until the processor has stored its tokens
            }
            Map<Integer, EventTrackerStatus> status = processor.processingStatus();
            for (EventTrackerStatus s : status.values()) {
                if (s.isErrorState()) {
                    throw new IllegalStateException("Processor in error on segment " + s.getSegment(), s.getError());
                }
            }
            if (expected > 0 && status.size() == expected && status.values().stream()
                    .allMatch(s -> s.getCurrentPosition().orElse(-1) >= head)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Processor did not reach " + head + " in " + timeout + ": "
                        + status.values().stream().map(s -> s.getSegment().getSegmentId() + "@"
                                + s.getCurrentPosition()).collect(Collectors.joining(", ")));
            }
            Thread.sleep(2);
        }
    }

    /** Events actually stored (fewer than the head when an allocated index was never written). */
    private long stored() {
        return events.estimatedDocumentCount();
    }

    /** The last stored index (the counter can be ahead of it by the unused part of a block of indexes, ADR 0013). */
    private long head() {
        TrackingToken head = eventStore.createHeadToken();
        return head == null ? 0 : head.position().orElse(0);
    }

    // ------------------------------------------------------------------ report

    private static double[] latencyPercentiles(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new double[]{Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[]{
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.50 * sorted.length) - 1)] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] / 1e6};
    }

    private String report(Stage small, Stage large, String loadBefore, String loadAfter, double seconds) {
        StringBuilder out = new StringBuilder();
        out.append("## FoundationBenchmark results (").append(LocalDateTime.now().withNano(0)).append(")\n\n");
        out.append("### Machine\n\n| | |\n|---|---|\n");
        Runtime rt = Runtime.getRuntime();
        out.append("| CPUs (nproc) | ").append(rt.availableProcessors()).append(" × ").append(cpuModel()).append(" |\n");
        out.append("| Memory | ").append(memTotal()).append(" |\n");
        out.append("| OS | ").append(osName()).append(" (").append(System.getProperty("os.name")).append(' ')
           .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch")).append(") |\n");
        out.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ')
           .append(System.getProperty("java.runtime.version")).append(" |\n");
        out.append("| JVM | max heap ").append(rt.maxMemory() >> 20).append(" MiB, GC ")
           .append(ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                                    .collect(Collectors.joining(" + "))).append(" |\n");
        out.append("| Load average (1/5/15 min) | before ").append(loadBefore).append(", after ").append(loadAfter)
           .append(" |\n");
        out.append("| Whole run | ").append(String.format(Locale.ROOT, "%.0f s", seconds)).append(" |\n\n");

        out.append("### Settings\n\n");
        out.append("Embedded mongo-java-server 1.47, ").append(backend).append(" backend, over TCP on 127.0.0.1; "
                + "the application's own beans (Axon 4.12.2, MongoDB driver 5.5). Settings in effect: "
                + "`rxledger.eventstore.batch-size=").append(eventStoreBatch)
           .append("`, `rxledger.processors.batch-size=").append(processorBatch)
           .append("`, segments of `patients`: ").append(tokenStore.fetchSegments(PatientProjection.PROCESSING_GROUP).length)
           .append(" (`rxledger.processors.segments`: ").append(segmentsSetting)
           .append("), `rxledger.processors.wakeup-ms=").append(wakeupMs)
           .append("`, `rxledger.eventstore.fetch-delay-ms=").append(fetchDelayMs)
           .append("`, `rxledger.eventstore.wakeup-interval-ms=").append(producerWakeUpMs)
           .append("`, `rxledger.snapshot.threshold=").append(snapshotThreshold)
           .append("`, `axon.timeout.enabled=").append(axonTimeouts).append("`")
           .append("none".equals(experiment) ? "" : "; **what-if experiment `" + experiment + "` (not the application as shipped)**")
           .append(". Storage engine: `").append(storageEngine.getClass().getSimpleName()).append("`.\n");
        out.append("Code measured: ").append(System.getProperty("bench.source", "(not given: run through ./bench)"))
           .append(". Event processors running: `").append(PatientProjection.PROCESSING_GROUP).append("` only")
           .append(stoppedProcessors.isEmpty() ? "" : "; shut down before anything was stored: `"
                   + String.join("`, `", stoppedProcessors) + "` (not part of the foundation)").append(".\n");
        out.append(String.format(Locale.ROOT,
                "Rounds: %d measured (+1 warm-up) per write figure, interleaved; raw insertOne %d docs/round; StartMedicine %d/round on "
                + "1 thread and %d/round over %d threads, round robin over %d pre-registered patients per thread "
                + "(10-event histories, interleaved in cohorts of %d patients); replay = whole stream, %d read rounds at 10k and %d at 100k, interleaved with the scans.%n",
                ROUNDS, RAW_PER_ROUND, SEQ_PER_ROUND, (PAR_PER_ROUND / THREADS) * THREADS, THREADS, POOL, COHORT,
                ROUNDS, LARGE_REPLAY_ROUNDS));
        out.append("JVM warm-up before the measured store was filled: ").append(jvmWarmUp).append(".\n");
        out.append(String.format(Locale.ROOT,
                "Stored events: 10k stage %,d at start → %,d at end (fill %.1f s); 100k stage %,d → %,d (fill %.1f s). "
                + "Average event document %.0f B (payload %.0f chars) at 10k, %.0f B (%.0f chars) at 100k; the "
                + "insertOne/StartMedicine document is %d B (payload %d chars).%n",
                small.storedAtStart, small.storedAtEnd, small.fillMillis / 1e3, large.storedAtStart,
                large.storedAtEnd, large.fillMillis / 1e3, small.avgDocBytes, small.avgPayloadChars,
                large.avgDocBytes, large.avgPayloadChars, templateBytes(),
                rawTemplate.getString("payload").length()));
        out.append(String.format(Locale.ROOT,
                "Replay sanity: patients read model has %,d documents at 10k (expected %,d) and %,d at 100k "
                + "(expected %,d); the rebuilt read model is identical to the processor's replay of it (SHA-256 of "
                + "every document): %s at 10k, %s at 100k; resetTokens() itself took %.0f ms / %.0f ms.%n%n",
                small.readModelDocs, small.expectedDocs, large.readModelDocs, large.expectedDocs,
                small.rebuildMatchesProcessorReplay ? "yes" : "NO", large.rebuildMatchesProcessorReplay ? "yes" : "NO",
                small.resetMillis, large.resetMillis));

        out.append(String.format(Locale.ROOT,
                "Failed commands (ConcurrencyException although every thread has its own patients): %d in the "
                + "measured 1-thread rounds and %d in the measured %d-thread rounds at 10k (%d in the whole stage), "
                + "%d and %d at 100k (%d in the whole stage); failed commands are not counted in the rates. "
                + "Global indexes allocated but never written (last stored index minus stored events): %d after 10k, %d after "
                + "100k.%s%n%n",
                small.conflictsSeq, small.conflictsPar, THREADS, small.conflictsAll, large.conflictsSeq,
                large.conflictsPar, large.conflictsAll, small.headAtEnd - small.storedAtEnd,
                large.headAtEnd - large.storedAtEnd,
                firstConflict == null ? "" : " First failure: `" + firstConflict + "`."));
        out.append("### Figures (per-round rate: median, p95, worst round)\n\n");
        out.append("| Measure | unit | 10k median | 10k p95 | 10k worst | 100k median | 100k p95 | 100k worst "
                   + "| 100k/10k |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        row(out, "1. Raw driver insertOne, 1 thread (separate collection, same indexes)", "docs/s", small.raw,
            large.raw);
        row(out, "2a. StartMedicine via sendAndWait, 1 thread", "cmds/s", small.seq, large.seq);
        row(out, "2b. StartMedicine via sendAndWait, " + THREADS + " threads", "cmds/s", small.par, large.par);
        row(out, "2c. (diagnostic) 2a with the patients processor stopped", "cmds/s", small.seqPaused,
            large.seqPaused);
        row(out, "3. Rebuild of the patients read model (admin rebuild: reset, bulk replay, processor resumes)",
            "events/s", small.replay, large.replay);
        row(out, "3a. (diagnostic) replay by the pooled processor alone (resetTokens, start; rebuild.bulk=false)",
            "events/s", small.processorReplay, large.processorReplay);
        row(out, "3r. Raw find() scan of the events collection (batches of " + SCAN_BATCH + ")", "docs/s", small.scan,
            large.scan);
        row(out, "3j. Raw find() scan + Jackson payload deserialisation", "docs/s", small.scanJackson,
            large.scanJackson);
        row(out, "3w. (diagnostic) raw `_id $in` windows of " + eventStoreBatch + " (the engine's read pattern)",
            "docs/s", small.window, large.window);
        row(out, "3w'. (diagnostic) raw `_id $in` windows of " + SMALL_WINDOW, "docs/s", small.smallWindow,
            large.smallWindow);
        row(out, "3e. (diagnostic) storage engine readEvents(null), payload + metadata deserialised", "events/s",
            small.engineRead, large.engineRead);
        row(out, "3n. (diagnostic) replay of a processor whose handler does nothing (same settings as 3a)", "events/s",
            small.noopReplay, large.noopReplay);
        out.append('\n');
        out.append(String.format(Locale.ROOT,
                "Command latency (ms, p50/p95/p99): 1 thread %.2f/%.2f/%.2f at 10k, %.2f/%.2f/%.2f at 100k; "
                + "%d threads %.2f/%.2f/%.2f at 10k, %.2f/%.2f/%.2f at 100k; 1 thread with the processor stopped "
                + "p50 %.2f / %.2f.%n%n",
                small.seqLatency[0], small.seqLatency[1], small.seqLatency[2], large.seqLatency[0],
                large.seqLatency[1], large.seqLatency[2], THREADS, small.parLatency[0], small.parLatency[1],
                small.parLatency[2], large.parLatency[0], large.parLatency[1], large.parLatency[2],
                small.seqPausedLatencyP50, large.seqPausedLatencyP50));
        out.append(String.format(Locale.ROOT,
                "Garbage collection within the measured rounds (ms collecting of ms measured): raw insertOne %d of %d "
                + "at 10k, %d of %d at 100k; 1 thread %d of %d at 10k, %d of %d at 100k.%n%n",
                small.rawGc[0], small.rawGc[1], large.rawGc[0], large.rawGc[1], small.seqGc[0], small.seqGc[1],
                large.seqGc[0], large.seqGc[1]));

        out.append("### Goals\n\nRatios are medians of per-round ratios (the compared figures are measured in the same "
                   + "round, seconds apart). Flatness compares the medians of the two stages.\n\n");
        out.append("| Goal | 10k | 100k | target | status |\n|---|---:|---:|---|---|\n");
        goalAtLeast(out, "Commands (1 thread) / raw insertOne", small.seqVsRaw.median(), large.seqVsRaw.median(),
                    COMMAND_GOAL);
        goalAtLeast(out, "Commands (" + THREADS + " threads) / raw insertOne", small.parVsRaw.median(),
                    large.parVsRaw.median(), COMMAND_GOAL);
        goalAtLeast(out, "(diagnostic) Commands (1 thread, patients processor stopped) / raw insertOne",
                    small.pausedVsRaw.median(), large.pausedVsRaw.median(), COMMAND_GOAL);
        goalAtLeast(out, "Replay / raw scan + Jackson", small.replayVsJackson.median(),
                    large.replayVsJackson.median(), REPLAY_GOAL);
        goalAtLeast(out, "Replay / raw scan (plain, stricter)", small.replayVsScan.median(),
                    large.replayVsScan.median(), REPLAY_GOAL);
        flat(out, "Flatness: commands 1 thread, 100k/10k", small.seq, large.seq);
        flat(out, "Flatness: commands " + THREADS + " threads, 100k/10k", small.par, large.par);
        flat(out, "Flatness: replay events/s, 100k/10k", small.replay, large.replay);
        flat(out, "(reference) Flatness: raw insertOne, 100k/10k", small.raw, large.raw);
        out.append('\n');

        out.append("### Round trips per operation (measured rounds; client-side time per round trip)\n\n");
        out.append("| Operation | stage | round trips/op | breakdown: count per op × avg ms |\n|---|---|---:|---|\n");
        trips(out, "raw insertOne", small, small.rawTrips, small.rawOps);
        trips(out, "raw insertOne", large, large.rawTrips, large.rawOps);
        trips(out, "StartMedicine, 1 thread", small, small.seqTrips, small.seqOps);
        trips(out, "StartMedicine, 1 thread", large, large.seqTrips, large.seqOps);
        trips(out, "StartMedicine, 1 thread, processor stopped", small, small.pausedTrips, small.pausedOps);
        trips(out, "StartMedicine, 1 thread, processor stopped", large, large.pausedTrips, large.pausedOps);
        trips(out, "StartMedicine, " + THREADS + " threads", small, small.parTrips, small.parOps);
        trips(out, "StartMedicine, " + THREADS + " threads", large, large.parTrips, large.parOps);
        trips(out, "replay, per 1,000 events", small, small.replayTrips, small.replayEvents / 1000);
        trips(out, "replay, per 1,000 events", large, large.replayTrips, large.replayEvents / 1000);
        out.append("\n(Command rounds include the round trips of the patients processor projecting those commands' "
                   + "events concurrently.)\n\n");
        if (!profiles.isEmpty()) {
            out.append("### Where the time goes (stack samples at 100k)\n\n").append(profiles).append('\n');
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String unit, BenchStats small, BenchStats large) {
        out.append("| ").append(name).append(" | ").append(unit).append(" | ")
           .append(fmt(small.median())).append(" | ").append(fmt(small.p95())).append(" | ").append(fmt(small.min()))
           .append(" | ").append(fmt(large.median())).append(" | ").append(fmt(large.p95())).append(" | ")
           .append(fmt(large.min())).append(" | ").append(times(large.median() / small.median())).append(" |\n");
    }

    private static void goalAtLeast(StringBuilder out, String name, double small, double large, double goal) {
        boolean pass = small >= goal && large >= goal;
        out.append("| ").append(name).append(" | ").append(pct(small)).append(" | ").append(pct(large))
           .append(" | ≥ ").append(pct(goal)).append(" | ").append(pass ? "PASS" : "MISS").append(" |\n");
    }

    /** Flat means no more than 1.5x slower at 100k than at 10k (a ratio of at least 1/1.5 = 0.67). */
    private static void flat(StringBuilder out, String name, BenchStats small, BenchStats large) {
        double ratio = large.median() / small.median();
        boolean pass = ratio >= 1 / FLATNESS_GOAL;
        out.append("| ").append(name).append(" | ").append(fmt(small.median())).append(" | ")
           .append(fmt(large.median())).append(" | 100k/10k ≥ ").append(String.format(Locale.ROOT, "%.2f", 1 / FLATNESS_GOAL))
           .append(" (is ").append(times(ratio)).append(") | ").append(pass ? "PASS" : "MISS").append(" |\n");
    }

    private static void trips(StringBuilder out, String name, Stage stage, Map<String, RoundTrips.Tally> tallies,
                              long ops) {
        if (tallies == null || ops == 0) {
            return;
        }
        long total = tallies.values().stream().mapToLong(RoundTrips.Tally::count).sum();
        Map<String, RoundTrips.Tally> sorted = new LinkedHashMap<>();
        tallies.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().count(), a.getValue().count()))
               .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "`%s` %.2f × %.3f", k,
                                                         (double) v.count() / ops, v.nanos() / 1e6 / v.count())));
        out.append("| ").append(name).append(" | ").append(stage.label).append(" | ")
           .append(String.format(Locale.ROOT, "%.2f", (double) total / ops)).append(" | ")
           .append(String.join(", ", parts)).append(" |\n");
    }

    private int templateBytes() {
        RawBsonDocument stored = database.getCollection(MongoEventStorageEngine.EVENTS, RawBsonDocument.class)
                                         .find(eq("_id", rawTemplate.get("_id"))).first();
        return stored == null ? -1 : stored.getByteBuffer().remaining();
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.join(" ", Arrays.copyOf(parts, 3));
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                        .map(l -> String.format(Locale.ROOT, "%.1f GiB",
                                                Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                        .findFirst().orElse("n/a");
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String osName() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                        .map(l -> l.substring(l.indexOf('=') + 1).replace("\"", "")).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static void progress(String message) {
        System.out.println("[bench " + LocalDateTime.now().toLocalTime().withNano(0) + "] " + message);
        System.out.flush();
    }
}
