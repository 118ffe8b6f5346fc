package uk.rxledger.projection;

import com.mongodb.client.MongoDatabase;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventhandling.pooled.PooledStreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.rxledger.eventstore.MongoEventStorageEngine;
import uk.rxledger.support.EmbeddedMongo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The bulk replay against a real pooled processor, our engine and axon-mongo's token store on the embedded server:
 * each event once, per patient in order, with Axon's replay flags, in large batches, and the tokens every segment
 * then resumes from; failures leave the processor resumable and claims are respected.
 */
class BulkReplayTest {

    static final String NAME = "bulk-test";
    static final int SEGMENTS = 4;
    static final int PATIENTS = 60;
    static final int EVENTS_PER_PATIENT = 50;
    static final int CHUNK = 1_000;

    record Seen(String patient, long sequence, long position, boolean replay, int batchSize) {
    }

    /** Records every event it is given; can be told to fail once at one position. */
    static class Recorder {
        final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        final AtomicLong failAt = new AtomicLong(-1);

        @EventHandler
        void on(String payload, DomainEventMessage<?> event, TrackingToken token, ReplayStatus status) {
            long position = token.position().orElseThrow();
            if (failAt.compareAndSet(position, -1)) {
                throw new IllegalStateException("poison at " + position);
            }
            int batch = CurrentUnitOfWork.get().root() instanceof BatchingUnitOfWork<?> b ? b.getMessages().size() : 1;
            seen.add(new Seen(event.getAggregateIdentifier(), event.getSequenceNumber(), position, status.isReplay(),
                              batch));
        }
    }

    MongoDatabase database;
    MongoEventStorageEngine engine;
    EmbeddedEventStore store;
    MongoTokenStore tokens;
    Recorder recorder;
    PooledStreamingEventProcessor processor;
    ScheduledExecutorService coordinator, workers;

    @BeforeEach
    void setUp() {
        database = EmbeddedMongo.freshDatabase("bulkreplay");
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        engine = MongoEventStorageEngine.builder().database(database).eventSerializer(serializer)
                                        .snapshotSerializer(serializer).batchSize(100).build();
        store = EmbeddedEventStore.builder().storageEngine(engine).build();
        tokens = tokenStore("this-node");
        recorder = new Recorder();
        coordinator = Executors.newScheduledThreadPool(1);
        workers = Executors.newScheduledThreadPool(2);
        processor = PooledStreamingEventProcessor.builder()
                .name(NAME)
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(recorder)
                        // as the application's processors: a failing handler fails the batch (ADR 0005)
                        .listenerInvocationErrorHandler(PropagatingErrorHandler.instance()).build())
                .messageSource(store)
                .tokenStore(tokens)
                .transactionManager(NoTransactionManager.INSTANCE)
                .coordinatorExecutor(coordinator)
                .workerExecutor(workers)
                .initialSegmentCount(SEGMENTS)
                .batchSize(10)
                .tokenClaimInterval(100)
                .build();
    }

    @AfterEach
    void tearDown() {
        processor.shutDown();
        store.shutDown();
        coordinator.shutdownNow();
        workers.shutdownNow();
    }

    MongoTokenStore tokenStore(String node) {
        return MongoTokenStore.builder()
                .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(database).build())
                .serializer(JacksonSerializer.defaultSerializer())
                .nodeId(node)
                .claimTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Per patient, the number of events appended so far. */
    final Map<String, Long> appended = new HashMap<>();

    /** Appends {@code perPatient} events to each patient, interleaved across patients; returns the head position. */
    long append(int perPatient) {
        for (int round = 0; round < perPatient; round++) {
            for (int p = 0; p < PATIENTS; p++) {
                String patient = "P-" + p;
                long sequence = appended.merge(patient, 1L, Long::sum) - 1;
                engine.appendEvents(new GenericDomainEventMessage<>("Patient", patient, sequence,
                                                                    "payload-" + sequence, MetaData.emptyInstance()));
            }
        }
        return head();
    }

    long head() {
        return store.createHeadToken().position().orElse(-1);
    }

    /** Runs the processor live until every segment has passed {@code head}, then stops it. */
    void runLiveTo(long head) {
        processor.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> processor.processingStatus().size() == SEGMENTS
                && processor.processingStatus().values().stream()
                            .allMatch(s -> s.getCurrentPosition().orElse(-1) >= head));
        processor.shutDown();
    }

    @Test
    void replaysEveryEventOnceInLargeBatchesAndEverySegmentResumesFromTheHead() throws Exception {
        long head = append(EVENTS_PER_PATIENT);
        runLiveTo(head);
        recorder.seen.clear();

        processor.resetTokens();
        long handled = new BulkReplay(engine, tokens, CHUNK).replay(processor, position -> { });

        List<Seen> seen = new ArrayList<>(recorder.seen);
        assertThat(handled).isEqualTo((long) PATIENTS * EVENTS_PER_PATIENT);
        assertThat(seen).hasSize(PATIENTS * EVENTS_PER_PATIENT);
        assertEachPatientInOrderOnce(seen, EVENTS_PER_PATIENT);
        assertThat(seen).allMatch(Seen::replay, "replayed events are flagged as a replay (ReplayStatus)");
        // The pooled processor's batches are at most 10 events of one segment; these span all segments.
        assertThat(seen.stream().mapToInt(Seen::batchSize).max().orElseThrow()).isEqualTo(CHUNK);
        assertThat(storedPositions()).containsOnly(head);
        assertThat(owners()).containsOnlyNulls();

        // The processor goes on from there: only what is appended afterwards, once, and not as a replay.
        recorder.seen.clear();
        long later = append(1);
        runLiveTo(later);
        assertThat(recorder.seen).hasSize(PATIENTS).allMatch(s -> s.position() > head && !s.replay());
    }

    @Test
    void segmentsResetFromDifferentPositionsEachFlagWhatTheyHadSeenAsTheReplay() throws Exception {
        long head = append(EVENTS_PER_PATIENT);
        // Segment i had processed up to a different position when it was reset.
        long[] atReset = new long[SEGMENTS];
        for (int segment = 0; segment < SEGMENTS; segment++) {
            atReset[segment] = head / (SEGMENTS + 1) * (segment + 1);
        }
        tokens.initializeTokenSegments(NAME, SEGMENTS);
        for (int segment = 0; segment < SEGMENTS; segment++) {
            tokens.fetchToken(NAME, segment);
            tokens.storeToken(GapAwareTrackingToken.newInstance(atReset[segment], Set.of()), NAME, segment);
            tokens.releaseClaim(NAME, segment);
        }
        processor.resetTokens();
        assertThat(tokens.fetchToken(NAME, 0)).isInstanceOf(ReplayToken.class);
        tokens.releaseClaim(NAME, 0);

        new BulkReplay(engine, tokens, CHUNK).replay(processor, position -> { });

        List<Seen> seen = new ArrayList<>(recorder.seen);
        assertThat(seen).hasSize(PATIENTS * EVENTS_PER_PATIENT);
        assertEachPatientInOrderOnce(seen, EVENTS_PER_PATIENT);
        Segment[] segments = Segment.computeSegments(0, 1, 2, 3);
        for (Seen s : seen) {
            int owner = ownerOf(segments, s.patient());
            assertThat(s.replay()).as("event at %d of segment %d (reset at %d)", s.position(), owner, atReset[owner])
                                  .isEqualTo(s.position() <= atReset[owner]);
        }
        assertThat(seen).anyMatch(Seen::replay).anyMatch(s -> !s.replay());
    }

    @Test
    void aFailureLeavesTheTokensOfTheLastCompletedBatchAndTheProcessorFinishesTheReplay() throws Exception {
        long head = append(EVENTS_PER_PATIENT);
        runLiveTo(head);
        recorder.seen.clear();
        processor.resetTokens();
        long poison = head * 2 / 3;
        recorder.failAt.set(poison);

        AtomicLong stored = new AtomicLong(-1);
        assertThatThrownBy(() -> new BulkReplay(engine, tokens, CHUNK).replay(processor, stored::set))
                .hasMessageContaining("poison at " + poison);

        assertThat(stored.get()).isPositive().isLessThan(poison);
        assertThat(storedPositions()).containsOnly(stored.get());
        assertThat(owners()).containsOnlyNulls();

        // Started again, the processor replays the rest from there (the failed batch again), nothing is missing.
        runLiveTo(head);
        List<Seen> seen = new ArrayList<>(recorder.seen);
        assertThat(seen.stream().map(s -> s.patient() + "/" + s.sequence()).distinct().count())
                .isEqualTo((long) PATIENTS * EVENTS_PER_PATIENT);
        assertThat(seen.stream().filter(s -> s.position() <= stored.get()).count())
                .as("what was stored before the failure is not handled again")
                .isEqualTo(seen.stream().filter(s -> s.position() <= stored.get())
                               .map(s -> s.patient() + "/" + s.sequence()).distinct().count());
    }

    @Test
    void aSegmentClaimedByAnotherInstanceStopsItBeforeAnythingIsHandled() throws Exception {
        long head = append(5);
        runLiveTo(head);
        recorder.seen.clear();
        processor.resetTokens();
        // Axon's reset leaves the segments claimed by this instance; suppose another instance took one over since.
        tokens.releaseClaim(NAME, 2);
        MongoTokenStore other = tokenStore("other-node");
        other.fetchToken(NAME, 2);

        assertThatThrownBy(() -> new BulkReplay(engine, tokens, CHUNK).replay(processor, position -> { }))
                .isInstanceOf(UnableToClaimTokenException.class);

        assertThat(recorder.seen).isEmpty();
        assertThat(owners()).containsExactly(null, null, "other-node", null);
    }

    private static void assertEachPatientInOrderOnce(List<Seen> seen, int perPatient) {
        Map<String, List<Long>> byPatient = new HashMap<>();
        seen.forEach(s -> byPatient.computeIfAbsent(s.patient(), k -> new ArrayList<>()).add(s.sequence()));
        assertThat(byPatient).hasSize(PATIENTS);
        List<Long> expected = new ArrayList<>();
        for (long s = 0; s < perPatient; s++) {
            expected.add(s);
        }
        byPatient.forEach((patient, sequences) -> assertThat(sequences).as(patient).isEqualTo(expected));
    }

    private static int ownerOf(Segment[] segments, String patient) {
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].matches(Objects.hashCode(patient))) {
                return i;
            }
        }
        throw new IllegalStateException("no segment for " + patient);
    }

    private List<String> owners() {
        List<String> owners = new ArrayList<>();
        database.getCollection("trackingtokens").find(new Document("processorName", NAME))
                .sort(new Document("segment", 1))
                .forEach(d -> owners.add(d.getString("owner")));
        return owners;
    }

    /** The position each segment's stored (possibly wrapped) token stands at; claims each briefly. */
    private List<Long> storedPositions() {
        List<Long> positions = new ArrayList<>();
        for (int segment = 0; segment < SEGMENTS; segment++) {
            positions.add(WrappedToken.unwrapLowerBound(tokens.fetchToken(NAME, segment)).position().orElseThrow());
            tokens.releaseClaim(NAME, segment);
        }
        return positions;
    }
}
