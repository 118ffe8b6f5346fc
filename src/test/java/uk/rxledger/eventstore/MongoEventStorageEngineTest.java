package uk.rxledger.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import uk.rxledger.support.EmbeddedMongo;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Our engine's own guarantees beyond Axon's contract suite, on the embedded server over TCP: racing writers, all or
 * nothing per commit, gap-aware tracking, the hash chain and key-lookup reads.
 */
class MongoEventStorageEngineTest {

    private MongoDatabase database;
    private MongoCollection<Document> events;
    private MongoEventStorageEngine engine;

    @BeforeEach
    void setUp() {
        database = EmbeddedMongo.freshDatabase("engine");
        events = database.getCollection(MongoEventStorageEngine.EVENTS);
        engine = newEngine(60_000);
    }

    private MongoEventStorageEngine newEngine(long gapTimeoutMillis) {
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        return MongoEventStorageEngine.builder().database(database).eventSerializer(serializer)
                                      .snapshotSerializer(serializer).batchSize(10)
                                      .gapTimeoutMillis(gapTimeoutMillis).build();
    }

    private MongoEventStorageEngine engineWithBlocks(int size, java.time.Duration lease) {
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        return MongoEventStorageEngine.builder().database(database).eventSerializer(serializer)
                                      .snapshotSerializer(serializer).batchSize(10).indexBlocks(size, lease).build();
    }

    private long counter() {
        return database.getCollection(MongoEventStorageEngine.COUNTERS).find(Filters.eq("_id", "events")).first()
                       .get("value", Number.class).longValue();
    }

    private List<Long> indexesOf(String aggregate) {
        return events.find(Filters.eq("aggregateId", aggregate)).sort(Sorts.ascending("seq"))
                     .map(d -> d.get("_id", Number.class).longValue()).into(new ArrayList<>());
    }

    private static DomainEventMessage<String> event(String aggregate, long sequence) {
        return new GenericDomainEventMessage<>("Patient", aggregate, sequence, "payload-" + sequence,
                                               MetaData.with("actor", "tester"));
    }

    /**
     * A reader whose stream window spans a commit being inserted must not see the commit's tail without its head: the
     * head would arrive later as gap fills, and a patient's events out of order (a projection skips what it already
     * passed). Simulated deterministically: the commit's first 150 events are stored, and the rest is stored right
     * after the reader's first round trip to the events collection, as an ordered insert would go on meanwhile.
     */
    @Test
    void aCommitStoredWhileAWindowIsReadIsNeverSeenTailFirst() {
        List<DomainEventMessage<?>> commit = new ArrayList<>();
        for (int s = 0; s < 400; s++) {
            commit.add(event("P-torn", s));
        }
        engine.appendEvents(commit);
        List<Document> pending = events.find(Filters.gt("_id", 150L)).sort(Sorts.ascending("_id")).into(new ArrayList<>());
        events.deleteMany(Filters.gt("_id", 150L));

        java.util.Set<Integer> eventFinds = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        com.mongodb.event.CommandListener insertAfterFirstRead = new com.mongodb.event.CommandListener() {
            @Override
            public void commandStarted(com.mongodb.event.CommandStartedEvent e) {
                if (e.getCommandName().equals("find") && "events".equals(e.getCommand().getString("find").getValue())) {
                    eventFinds.add(e.getRequestId());
                }
            }

            @Override
            public void commandSucceeded(com.mongodb.event.CommandSucceededEvent e) {
                if (eventFinds.contains(e.getRequestId()) && released.compareAndSet(false, true)) {
                    events.insertMany(pending);
                }
            }
        };
        try (com.mongodb.client.MongoClient client = EmbeddedMongo.listenedClient(insertAfterFirstRead)) {
            JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
            MongoEventStorageEngine reader = MongoEventStorageEngine.builder()
                    .database(client.getDatabase(database.getName())).eventSerializer(serializer)
                    .snapshotSerializer(serializer).batchSize(400).build();

            List<Long> delivered = reader.readEvents(null, false)
                    .map(m -> ((DomainEventMessage<?>) m).getSequenceNumber()).toList();

            assertThat(released).isTrue();
            assertThat(delivered).hasSize(400).isSorted();
        }
    }

    @Test
    void twoWritersRacingForTheSameSequenceOneWinsAndTheOtherStoresNothing() throws Exception {
        MongoEventStorageEngine other = newEngine(60_000);
        engine.appendEvents(event("race", 0));
        int rounds = 200;
        AtomicInteger conflicts = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        ExecutorService writers = Executors.newFixedThreadPool(2);
        for (int seq = 1; seq <= rounds; seq++) {
            CountDownLatch start = new CountDownLatch(1);
            long sequence = seq;
            List<java.util.concurrent.Future<?>> both = new ArrayList<>();
            for (MongoEventStorageEngine writer : List.of(engine, other)) {
                both.add(writers.submit(() -> {
                    start.await();
                    try {
                        writer.appendEvents(event("race", sequence));
                    } catch (ConcurrencyException e) {
                        conflicts.incrementAndGet();
                    } catch (Throwable t) {
                        unexpected.add(t);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : both) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
        writers.shutdown();

        assertThat(unexpected).isEmpty();
        assertThat(conflicts.get()).isEqualTo(rounds);
        assertThat(events.countDocuments(Filters.eq("aggregateId", "race"))).isEqualTo(rounds + 1);
        assertThat(engine.readEvents("race").asStream().map(DomainEventMessage::getSequenceNumber).toList())
                .containsExactlyElementsOf(IntStream.rangeClosed(0, rounds).mapToObj(i -> (long) i).toList());
        assertChainValid("race");
    }

    @Test
    void concurrentWritersToDifferentStreamsAllSucceedWithUniqueGlobalIndexes() throws Exception {
        int threads = 8;
        int perThread = 300;
        ExecutorService writers = Executors.newFixedThreadPool(threads);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String aggregate = "writer-" + t;
            futures.add(writers.submit(() -> {
                for (int seq = 0; seq < perThread; seq++) {
                    engine.appendEvents(event(aggregate, seq));
                }
                return null;
            }));
        }
        for (var future : futures) {
            future.get(60, TimeUnit.SECONDS); // a duplicate allocation would surface here as a ConcurrencyException
        }
        writers.shutdown();
        assertThat(events.countDocuments()).isEqualTo((long) threads * perThread);
        assertThat(engine.readEvents(null, false).count()).isEqualTo((long) threads * perThread);
    }

    @Test
    void aCommitIsAllOrNothingWhenALaterEventConflicts() {
        engine.appendEvents(event("p", 0), event("p", 1));
        newEngine(60_000).appendEvents(event("p", 3)); // another writer got to 3 first (a gap at 2 in this stream)
        assertThatThrownBy(() -> engine.appendEvents(event("p", 2), event("p", 3)))
                .isInstanceOf(ConcurrencyException.class);
        assertThat(events.find(Filters.eq("aggregateId", "p")).map(d -> d.getLong("seq")).into(new ArrayList<>()))
                .containsExactlyInAnyOrder(0L, 1L, 3L);
    }

    @Test
    void aReusedAggregateIdentifierIsAStreamCreationConflict() {
        engine.appendEvents(event("dup", 0));
        assertThatThrownBy(() -> engine.appendEvents(event("dup", 0)))
                .isInstanceOf(AggregateStreamCreationException.class);
        assertThat(events.countDocuments(Filters.eq("aggregateId", "dup"))).isEqualTo(1);
    }

    @Test
    void aLateEventFillsTheGapItsSlowWriterLeftAndIsDeliveredThen() {
        engine.appendEvents(event("a", 0));
        engine.appendEvents(event("b", 0));
        engine.appendEvents(event("c", 0));
        Document slow = events.findOneAndDelete(Filters.eq("_id", 2L)); // index 2 allocated, not yet written

        List<? extends TrackedEventMessage<?>> first = engine.readEvents(null, false).toList();
        assertThat(first).extracting(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier()).containsExactly("a", "c");
        GapAwareTrackingToken token = (GapAwareTrackingToken) first.get(1).trackingToken();
        assertThat(token.getIndex()).isEqualTo(3);
        assertThat(token.getGaps()).containsExactly(2L);

        events.insertOne(slow);
        List<? extends TrackedEventMessage<?>> late = engine.readEvents(token, false).toList();
        assertThat(late).extracting(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier()).containsExactly("b");
        assertThat(((GapAwareTrackingToken) late.get(0).trackingToken()).getGaps()).isEmpty();
    }

    @Test
    void aBackdatedEventStoredNowKeepsTheGapsBeforeIt() {
        engine.appendEvents(event("a", 0));
        engine.appendEvents(event("b", 0));
        // An event whose own time is long past (a history recorded late): it was stored now, so index 2 may still come.
        engine.appendEvents(new GenericDomainEventMessage<>("Patient", "c", 0, "payload-0", MetaData.emptyInstance(),
                                                            java.util.UUID.randomUUID().toString(),
                                                            Instant.parse("2020-01-01T00:00:00Z")));
        Document slow = events.findOneAndDelete(Filters.eq("_id", 2L));

        List<? extends TrackedEventMessage<?>> first = engine.readEvents(null, false).toList();
        GapAwareTrackingToken token = (GapAwareTrackingToken) first.get(1).trackingToken();
        assertThat(token.getGaps()).containsExactly(2L);
        events.insertOne(slow);
        assertThat(engine.readEvents(token, false).map(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier()))
                .containsExactly("b");
    }

    @Test
    void aGapOlderThanTheTimeoutIsGivenUp() {
        engine.appendEvents(event("a", 0));
        engine.appendEvents(event("b", 0));
        engine.appendEvents(event("c", 0));
        engine.appendEvents(event("d", 0));
        events.deleteOne(Filters.eq("_id", 2L));
        TrackingToken afterC = engine.readEvents(null, false).toList().get(1).trackingToken();
        assertThat(((GapAwareTrackingToken) afterC).getGaps()).containsExactly(2L);

        // The event after the gap was stored long ago: whoever allocated index 2 is not coming back.
        events.updateOne(Filters.eq("_id", 3L), Updates.set("recordedAt", Date.from(Instant.now().minusSeconds(120))));
        List<? extends TrackedEventMessage<?>> next = engine.readEvents(afterC, false).toList();
        assertThat(next).hasSize(1);
        assertThat(((GapAwareTrackingToken) next.get(0).trackingToken()).getGaps()).isEmpty();
    }

    @Test
    void aBlockOfIndexesServesManyCommitsAndIsGivenBackOnClose() {
        MongoEventStorageEngine blocks = engineWithBlocks(10, java.time.Duration.ofSeconds(10));
        blocks.appendEvents(event("a", 0));
        blocks.appendEvents(event("b", 0), event("b", 1));
        blocks.appendEvents(event("c", 0));
        assertThat(counter()).isEqualTo(10); // one reservation for the three commits
        assertThat(indexesOf("a")).containsExactly(1L);
        assertThat(indexesOf("b")).containsExactly(2L, 3L);
        assertThat(indexesOf("c")).containsExactly(4L);

        // A commit larger than a block takes its indexes from the counter, after the block's rest is given back.
        List<DomainEventMessage<?>> large = new ArrayList<>();
        for (int s = 0; s < 12; s++) {
            large.add(event("large", s));
        }
        blocks.appendEvents(large);
        assertThat(indexesOf("large")).first().isEqualTo(5L);
        assertThat(counter()).isEqualTo(16);
        blocks.appendEvents(event("c", 1)); // a new block: 17..26

        blocks.close();
        assertThat(counter()).isEqualTo(17);
        engine.appendEvents(event("d", 0));
        assertThat(indexesOf("d")).containsExactly(18L);
        assertThat(engine.readEvents(null, false).map(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier())
                         .filter(a -> !a.equals("large")))
                .containsExactly("a", "b", "b", "c", "c", "d");
    }

    @Test
    void aReaderTailingItsOwnBlockAsksOnlyForTheIndexesHandedOut() {
        List<Integer> keysAsked = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.mongodb.event.CommandListener listener = new com.mongodb.event.CommandListener() {
            @Override
            public void commandStarted(com.mongodb.event.CommandStartedEvent e) {
                var command = e.getCommand();
                if (e.getCommandName().equals("find") && "events".equals(command.getString("find").getValue())
                        && command.getDocument("filter").containsKey("_id")) {
                    keysAsked.add(command.getDocument("filter").getDocument("_id").getArray("$in").size());
                }
            }
        };
        try (com.mongodb.client.MongoClient client = EmbeddedMongo.listenedClient(listener)) {
            JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
            MongoEventStorageEngine blocks = MongoEventStorageEngine.builder()
                    .database(client.getDatabase(database.getName())).eventSerializer(serializer)
                    .snapshotSerializer(serializer).batchSize(500).indexBlocks(64, java.time.Duration.ofSeconds(10))
                    .build();
            blocks.appendEvents(event("a", 0));
            blocks.appendEvents(event("b", 0), event("b", 1));
            assertThat(counter()).isEqualTo(64);

            TrackingToken head = blocks.createHeadToken();
            assertThat(head.position()).hasValue(3);
            blocks.appendEvents(event("c", 0));
            keysAsked.clear();
            assertThat(blocks.readEvents(head, false).map(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier()))
                    .containsExactly("c");
            // index 4 and the head token's gaps, not the 60 indexes of the block nobody has written
            assertThat(keysAsked).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThan(20));

            // Another instance's indexes beyond the block are read.
            MongoEventStorageEngine other = engineWithBlocks(10, java.time.Duration.ofSeconds(10));
            other.appendEvents(event("d", 0));
            blocks.appendEvents(event("e", 0));
            // (the counter is read again at most every 10 ms)
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    blocks.readEvents(head, false).map(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier()))
                    .containsExactly("c", "e", "d"));
            blocks.close();
            other.close();
        }
    }

    @Test
    void aStreamAppendedToByAnotherInstanceFromALaterBlockStaysInIndexOrder() {
        MongoEventStorageEngine first = engineWithBlocks(10, java.time.Duration.ofSeconds(10));
        MongoEventStorageEngine second = engineWithBlocks(10, java.time.Duration.ofSeconds(10));
        first.appendEvents(event("x", 0));  // first's block: 1..10
        second.appendEvents(event("y", 0)); // second's block: 11..20
        second.appendEvents(event("x", 1));
        first.appendEvents(event("x", 2));  // its block's next index (2) would come before x's previous event (12)
        first.appendEvents(event("z", 0));  // other streams go on using the block

        assertThat(indexesOf("x")).containsExactly(1L, 12L, 21L);
        assertThat(indexesOf("z")).containsExactly(3L);
        assertThat(engine.readEvents(null, false).filter(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier().equals("x"))
                         .map(e -> ((DomainEventMessage<?>) e).getSequenceNumber())).containsExactly(0L, 1L, 2L);
        assertChainValid("x");
    }

    @Test
    void aBlockIsNotUsedPastItsLease() throws InterruptedException {
        MongoEventStorageEngine first = engineWithBlocks(10, java.time.Duration.ofMillis(50));
        MongoEventStorageEngine second = engineWithBlocks(10, java.time.Duration.ofSeconds(10));
        first.appendEvents(event("a", 0));  // 1 of 1..10
        Thread.sleep(80);
        first.appendEvents(event("b", 0));  // lease over, nobody else reserved since: 2..10 given back, 2..11 reserved
        second.appendEvents(event("c", 0)); // 12..21
        Thread.sleep(80);
        first.appendEvents(event("d", 0));  // lease over, 3..11 cannot be given back: a new block after second's

        assertThat(indexesOf("a")).containsExactly(1L);
        assertThat(indexesOf("b")).containsExactly(2L);
        assertThat(indexesOf("c")).containsExactly(12L);
        assertThat(indexesOf("d")).containsExactly(22L);
    }

    @Test
    void trackingCrossesLongRunsOfUnusedIndexes() {
        engine.appendEvents(event("a", 0));
        // 55 allocations that never became events (failed appends), more than five read windows.
        database.getCollection(MongoEventStorageEngine.COUNTERS)
                .updateOne(Filters.eq("_id", "events"), Updates.inc("value", 55L));
        engine.appendEvents(event("b", 0));
        assertThat(engine.readEvents(null, false).map(e -> ((DomainEventMessage<?>) e).getAggregateIdentifier()))
                .containsExactly("a", "b");
    }

    @Test
    void everyDomainEventIsChainedToThePreviousOneOfItsStream() {
        engine.appendEvents(event("chain", 0), event("chain", 1));
        engine.appendEvents(event("other", 0));
        newEngine(60_000).appendEvents(event("chain", 2)); // a fresh engine reads the previous hash from the store
        engine.appendEvents(event("chain", 3));
        assertChainValid("chain");

        Document first = events.find(Filters.eq("streamKey", "chain/0")).first();
        assertThat(first.getString("previousHash")).isEqualTo(EventHashChain.GENESIS);
        assertThat(first.getString("hash")).matches("[0-9a-f]{64}");
    }

    @Test
    void theChainBreaksWhereAStoredEventWasAltered() {
        engine.appendEvents(event("t", 0), event("t", 1), event("t", 2));
        events.updateOne(Filters.eq("streamKey", "t/1"), Updates.set("payload", "\"payload-x\""));
        List<Document> stream = events.find(Filters.eq("aggregateId", "t")).sort(Sorts.ascending("seq"))
                                      .into(new ArrayList<>());
        assertThat(EventHashChain.hashOf(stream.get(0).getString("previousHash"), stream.get(0)))
                .isEqualTo(stream.get(0).getString("hash"));
        assertThat(EventHashChain.hashOf(stream.get(1).getString("previousHash"), stream.get(1)))
                .isNotEqualTo(stream.get(1).getString("hash"));
    }

    @Test
    void readsLongStreamsInOrderAndKnowsTheirLastSequence() {
        List<DomainEventMessage<?>> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            many.add(event("long", i));
        }
        engine.appendEvents(many);
        assertThat(engine.readEvents("long").asStream().map(DomainEventMessage::getSequenceNumber).toList())
                .containsExactlyElementsOf(IntStream.range(0, 300).mapToObj(i -> (long) i).toList());
        assertThat(engine.readEvents("long", 295).asStream().count()).isEqualTo(5);
        assertThat(engine.lastSequenceNumberFor("long")).contains(299L);
        assertThat(engine.lastSequenceNumberFor("none")).isEmpty();
        engine.appendEvents(event("one", 0));
        assertThat(engine.lastSequenceNumberFor("one")).contains(0L);
    }

    @Test
    void storesMetadataAndPayloadAsReadableJson() {
        engine.appendEvents(event("json", 0));
        Document stored = events.find(Filters.eq("streamKey", "json/0")).first();
        assertThat(stored.getString("payload")).isEqualTo("\"payload-0\"");
        assertThat(stored.getString("metaData")).contains("\"actor\":\"tester\"");
        assertThat(stored.getString("aggregateType")).isEqualTo("Patient");
        assertThat(stored.get("recordedAt")).isInstanceOf(Date.class);
        assertThat(engine.readEvents("json").next().getMetaData()).containsEntry("actor", "tester");
    }

    private void assertChainValid(String aggregate) {
        String previous = EventHashChain.GENESIS;
        for (Document stored : events.find(Filters.eq("aggregateId", aggregate)).sort(Sorts.ascending("seq"))) {
            assertThat(stored.getString("previousHash")).isEqualTo(previous);
            assertThat(EventHashChain.hashOf(previous, stored)).isEqualTo(stored.getString("hash"));
            previous = stored.getString("hash");
        }
    }

}
