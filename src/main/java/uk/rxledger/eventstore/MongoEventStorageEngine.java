package uk.rxledger.eventstore;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventhandling.TrackedDomainEventData;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.BatchingEventStorageEngine;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.bson.Document;
import org.bson.conversions.Bson;
import uk.rxledger.projection.KeyLookup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;

/**
 * Axon {@link org.axonframework.eventsourcing.eventstore.EventStorageEngine} on the plain MongoDB driver.
 * <p>
 * One document per event, keyed so that every hot path is a key lookup (ADR 0001):
 * <ul>
 *     <li>{@code _id} is the global sequence, allocated from an atomic counter (per commit, or in blocks: ADR 0013),
 *     higher than the stream's previous event; tracking processors read
 *     {@code _id $in [window]} plus the gaps their {@link GapAwareTrackingToken} still waits for;</li>
 *     <li>{@code streamKey} ({@code aggregateId/sequence}, unique) loads an aggregate by {@code $in} over the keys it
 *     expects, and makes a conflicting append fail;</li>
 *     <li>{@code eventId} (unique) rejects a re-used event identifier.</li>
 * </ul>
 * Every domain event carries {@code hash}/{@code previousHash} of the stream's tamper-evident chain
 * ({@link EventHashChain}), written in the same document as the event.
 */
public class MongoEventStorageEngine extends BatchingEventStorageEngine implements AutoCloseable {

    public static final String EVENTS = "events";
    public static final String SNAPSHOTS = "snapshots";
    public static final String COUNTERS = "counters";

    private static final int FIRST_AGGREGATE_WINDOW = 16;
    private static final int MAX_AGGREGATE_WINDOW = 256;
    /** Keys looked up per round trip when searching for a stream's last sequence. */
    private static final int PROBES = 32;

    private final MongoCollection<Document> events;
    private final MongoCollection<Document> snapshots;
    private final GlobalIndexAllocator indexes;
    private final int maxGapOffset;
    private final long gapTimeoutMillis;
    private final Clock clock;
    /**
     * The highest global index known to be allocated: by this instance's appends, or read from the counter. Other
     * instances may have allocated more; a reader that reaches this value reads the counter again.
     */
    private final AtomicLong knownHead = new AtomicLong();
    private static final long COUNTER_READ_INTERVAL_NANOS = 10_000_000;
    private volatile long counterReadAt = System.nanoTime() - COUNTER_READ_INTERVAL_NANOS;
    /** Last known (sequence, hash) per stream; only trusted for the event directly before the one appended. */
    private final Map<String, ChainHead> chainHeads;

    protected MongoEventStorageEngine(Builder builder) {
        super(builder);
        MongoDatabase database = builder.database;
        this.events = database.getCollection(EVENTS);
        this.snapshots = database.getCollection(SNAPSHOTS);
        this.maxGapOffset = builder.maxGapOffset;
        this.gapTimeoutMillis = builder.gapTimeoutMillis;
        this.clock = builder.clock;
        int cacheSize = builder.chainHeadCacheSize;
        this.chainHeads = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ChainHead> eldest) {
                return size() > cacheSize;
            }
        });
        this.indexes = new GlobalIndexAllocator(database.getCollection(COUNTERS), builder.indexBlockSize,
                                                builder.indexBlockLease);
        ensureIndexes();
    }

    public static Builder builder() {
        return new Builder();
    }

    private void ensureIndexes() {
        events.createIndex(Indexes.ascending("streamKey"), new IndexOptions().unique(true).name("streamKey"));
        events.createIndex(Indexes.ascending("eventId"), new IndexOptions().unique(true).name("eventId"));
    }

    /** Key of an aggregate's event at a sequence; injective because the sequence after the last '/' is numeric. */
    public static String streamKey(String aggregateIdentifier, long sequenceNumber) {
        return aggregateIdentifier + '/' + sequenceNumber;
    }

    private static String nonDomainStreamKey(String eventIdentifier) {
        return "!event/" + eventIdentifier;
    }

    // ---------------------------------------------------------------- appending

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> eventMessages, Serializer serializer) {
        if (eventMessages.isEmpty()) {
            return;
        }
        Date recordedAt = Date.from(clock.instant());
        List<Document> documents = new ArrayList<>(eventMessages.size());
        Map<String, ChainHead> heads = new LinkedHashMap<>();
        for (EventMessage<?> event : eventMessages) {
            documents.add(toDocument(event, recordedAt, serializer, heads));
        }
        long follows = heads.values().stream().mapToLong(ChainHead::index).max().orElse(0);
        long last = indexes.allocate(documents.size());
        if (last - documents.size() < follows) {
            // A block reserved before another instance appended to one of these streams: a stream's events must stay in
            // index order for its readers, so these take fresh indexes above everything allocated.
            last = indexes.allocateDirect(documents.size());
        }
        knownHead.accumulateAndGet(last, Math::max); // this instance's own readers may read up to it at once
        long first = last - documents.size() + 1;
        for (int i = 0; i < documents.size(); i++) {
            Document document = documents.get(i);
            document.put("_id", first + i);
            String aggregateId = document.getString("aggregateId");
            if (aggregateId != null) {
                heads.computeIfPresent(aggregateId, (a, head) -> head.at(index(document)));
            }
        }
        try {
            if (documents.size() == 1) {
                events.insertOne(documents.get(0));
            } else {
                events.insertMany(documents, new InsertManyOptions().ordered(true));
            }
        } catch (MongoBulkWriteException e) {
            int failedAt = e.getWriteErrors().isEmpty() ? 0 : e.getWriteErrors().get(0).getIndex();
            // Without transactions an ordered insert may have stored a prefix: take it back so a commit is all or nothing.
            if (failedAt > 0) {
                events.deleteMany(in("_id", LongStream.range(first, first + failedAt).boxed().toList()));
            }
            handlePersistenceException(e, eventMessages.get(failedAt));
            return;
        } catch (MongoException e) {
            handlePersistenceException(e, eventMessages.get(0));
            return;
        }
        chainHeads.putAll(heads);
    }

    /**
     * Gives what is left of this instance's block of indexes back to the counter (ADR 0013); a later append reserves a
     * new block.
     */
    public void releaseIndexes() {
        indexes.release();
    }

    @Override
    public void close() {
        releaseIndexes();
    }

    /**
     * The stored form of an event, without its {@code _id} (allocated once the batch is built). Until then the batch's
     * chain heads carry the index of the stored event their stream's batch follows.
     */
    private Document toDocument(EventMessage<?> event, Date recordedAt, Serializer serializer,
                                Map<String, ChainHead> batchHeads) {
        SerializedObject<String> payload = event.serializePayload(serializer, String.class);
        SerializedObject<String> metaData = event.serializeMetaData(serializer, String.class);
        Document document = new Document("_id", null)
                .append("eventId", event.getIdentifier())
                .append("timestamp", Date.from(event.getTimestamp().truncatedTo(ChronoUnit.MILLIS)))
                .append("recordedAt", recordedAt)
                .append("payloadType", payload.getType().getName())
                .append("payloadRevision", payload.getType().getRevision())
                .append("payload", payload.getData())
                .append("metaData", metaData.getData());
        if (event instanceof DomainEventMessage<?> domainEvent && domainEvent.getAggregateIdentifier() != null) {
            String aggregateId = domainEvent.getAggregateIdentifier();
            long sequence = domainEvent.getSequenceNumber();
            ChainHead previous = previousHead(aggregateId, sequence, batchHeads);
            String previousHash = previous.hash();
            document.append("streamKey", streamKey(aggregateId, sequence))
                    .append("aggregateId", aggregateId)
                    .append("aggregateType", domainEvent.getType())
                    .append("seq", sequence);
            String hash = EventHashChain.hashOf(previousHash, document);
            document.append("previousHash", previousHash).append("hash", hash);
            batchHeads.put(aggregateId, new ChainHead(sequence, hash, previous.index()));
        } else {
            document.append("streamKey", nonDomainStreamKey(event.getIdentifier()));
        }
        return document;
    }

    /** The stored event before {@code sequence} in its stream; index 0 (and the genesis hash) for a stream's first. */
    private ChainHead previousHead(String aggregateId, long sequence, Map<String, ChainHead> batchHeads) {
        if (sequence == 0) {
            return new ChainHead(-1, EventHashChain.GENESIS, 0);
        }
        ChainHead known = batchHeads.get(aggregateId);
        if (known == null) {
            known = chainHeads.get(aggregateId);
        }
        if (known != null && known.sequence() == sequence - 1) {
            return known;
        }
        // An event, once stored, never changes: reading its hash by key is safe against concurrent writers,
        // because a competing append of the same sequence fails on the streamKey index.
        Document previous = events.find(eq("streamKey", streamKey(aggregateId, sequence - 1)))
                                  .projection(new Document("hash", 1)).first();
        if (previous == null) {
            return new ChainHead(sequence - 1, EventHashChain.GENESIS, 0);
        }
        String hash = previous.getString("hash");
        return new ChainHead(sequence - 1, hash == null ? EventHashChain.GENESIS : hash, index(previous));
    }

    // ---------------------------------------------------------------- reading an aggregate

    @Override
    protected List<? extends DomainEventData<?>> fetchDomainEvents(String aggregateIdentifier,
                                                                   long firstSequenceNumber, int batchSize) {
        return storedEventsFrom(aggregateIdentifier, firstSequenceNumber, batchSize).stream()
                .map(MongoEventStorageEngine::toEntry).toList();
    }

    /**
     * A stream's stored documents from {@code firstSequence} on, in sequence order, as they are in the store (not
     * upcast): key windows of 16, 32, ... 256 {@code streamKey}s per round trip, stopping at the first missing
     * sequence (the end of the stream) or after {@code maxCount} documents. Audit reads use it to see exactly what
     * the aggregate is loaded from.
     */
    public List<Document> storedEventsFrom(String aggregateIdentifier, long firstSequence, int maxCount) {
        List<Document> result = new ArrayList<>();
        long next = firstSequence;
        int window = Math.min(FIRST_AGGREGATE_WINDOW, maxCount);
        while (result.size() < maxCount) {
            int size = Math.min(window, maxCount - result.size());
            List<Document> found = storedEvents(aggregateIdentifier, next, size);
            for (Document document : found) {
                if (document.get("seq", Number.class).longValue() != next) {
                    return result; // sequences are contiguous: a hole is the end of the stream
                }
                result.add(document);
                next++;
            }
            if (found.size() < size) {
                break;
            }
            window = Math.min(window * 2, MAX_AGGREGATE_WINDOW);
        }
        return result;
    }

    /**
     * The stored documents of one key window, sequences {@code firstSequence .. firstSequence + count - 1}, in key
     * order; missing sequences are simply absent (one {@code streamKey $in} round trip).
     */
    public List<Document> storedEvents(String aggregateIdentifier, long firstSequence, int count) {
        Map<String, Long> positions = new LinkedHashMap<>();
        for (long s = firstSequence; s < firstSequence + count; s++) {
            positions.put(streamKey(aggregateIdentifier, s), s);
        }
        List<Document> found = events.find(in("streamKey", new ArrayList<>(positions.keySet())))
                                     .into(new ArrayList<>());
        found.sort(Comparator.comparingLong(d -> positions.get(d.getString("streamKey"))));
        return found;
    }

    /**
     * Stored documents of one stream (in sequence order) upcast by this engine's upcaster chain, as the aggregate and
     * the processors read them; {@link #getEventSerializer()} deserialises their payloads.
     */
    public Stream<IntermediateEventRepresentation> upcast(List<Document> storedEvents) {
        return upcasterChain.upcast(storedEvents.stream().map(MongoEventStorageEngine::toEntry)
                                                .map(entry -> new InitialEventRepresentation(entry, getEventSerializer())));
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        // Galloping then a k-ary search, PROBES keys per round trip: sequences are contiguous, so the keys present
        // are a prefix. One round trip probes 0, 1, 2, 4, ... 2^62; each further one narrows the range PROBES-fold,
        // so a stream of 1,000 events takes three round trips (a binary search over single lookups took twenty).
        List<Long> powers = new ArrayList<>();
        powers.add(0L);
        for (long p = 1; p > 0; p <<= 1) {
            powers.add(p);
        }
        long[] range = prefixEnd(aggregateIdentifier, -1, powers);
        if (range[0] < 0) {
            return Optional.empty();
        }
        while (range[1] - range[0] > 1) {
            long low = range[0];
            long step = Math.max(1, (range[1] - low + PROBES) / (PROBES + 1));
            List<Long> probes = new ArrayList<>();
            for (long s = low + step; s < range[1]; s += step) {
                probes.add(s);
            }
            long[] narrowed = prefixEnd(aggregateIdentifier, low, probes);
            range = new long[]{narrowed[0], Math.min(range[1], narrowed[1])};
        }
        return Optional.of(range[0]);
    }

    /**
     * Looks up the keys at {@code sequences} (ascending) in one round trip: the last of them present before the first
     * missing one ({@code low} if none), and that first missing one ({@link Long#MAX_VALUE} if none).
     */
    private long[] prefixEnd(String aggregateIdentifier, long low, List<Long> sequences) {
        Map<String, Long> keys = new LinkedHashMap<>();
        sequences.forEach(s -> keys.put(streamKey(aggregateIdentifier, s), s));
        java.util.Set<Long> present = new java.util.HashSet<>();
        events.find(in("streamKey", new ArrayList<>(keys.keySet()))).projection(new Document("streamKey", 1))
              .forEach(d -> present.add(keys.get(d.getString("streamKey"))));
        long last = low;
        for (long s : sequences) {
            if (!present.contains(s)) {
                return new long[]{last, s};
            }
            last = s;
        }
        return new long[]{last, Long.MAX_VALUE};
    }

    // ---------------------------------------------------------------- the global stream

    @Override
    protected List<? extends TrackedEventData<?>> fetchTrackedEvents(TrackingToken lastToken, int batchSize) {
        if (lastToken != null && !(lastToken instanceof GapAwareTrackingToken)) {
            throw new IllegalArgumentException("Expected a GapAwareTrackingToken but got " + lastToken);
        }
        GapAwareTrackingToken token = (GapAwareTrackingToken) lastToken;
        long after = token == null ? 0 : token.getIndex();
        SortedSet<Long> gaps = token == null ? Collections.emptySortedSet() : token.getGaps();

        List<Long> ids = new ArrayList<>(gaps.size() * 2 + batchSize);
        ids.addAll(gaps);
        // For each run of gaps, the event just after it tells whether the run is older than the gap timeout.
        List<Long> probes = gaps.stream().map(g -> g + 1).filter(p -> !gaps.contains(p) && p <= after).toList();
        ids.addAll(probes);
        long windowStart = after + 1;
        // Never ask for indexes beyond the last allocated one: at the head of the stream (a tailing processor woken by
        // each append) a window of 500 keys would find one event, or none, at the cost of matching all 500.
        long head = headAtLeast(windowStart);
        List<Document> found = fetchWindow(ids, windowStart, Math.min(batchSize, head - windowStart + 1));
        boolean newEvents = found.stream().anyMatch(d -> index(d) > after);
        // Cross a run of more than one window of unused indexes (appends that failed), up to the head.
        while (!newEvents && windowStart + batchSize <= head) {
            windowStart += batchSize;
            List<Document> ahead = fetchWindow(List.of(), windowStart, Math.min(batchSize, head - windowStart + 1));
            newEvents = !ahead.isEmpty();
            found.addAll(ahead);
        }
        found.sort(Comparator.comparingLong(MongoEventStorageEngine::index));

        GapAwareTrackingToken current = token == null ? null : withoutExpiredGaps(token, found);
        Instant gapTimeoutFrame = clock.instant().minusMillis(gapTimeoutMillis);
        List<TrackedEventData<?>> result = new ArrayList<>();
        for (Document document : found) {
            long index = index(document);
            boolean fillsGap = current != null && current.getGaps().contains(index);
            if (current != null && index <= current.getIndex() && !fillsGap) {
                continue; // a probe, already processed
            }
            GenericDomainEventEntry<String> entry = toEntry(document);
            // When the event was stored, not the message's own time: a back-dated event stored now must not make the
            // reader give up indexes still being written (the expiry of gaps goes by the same field).
            boolean allowGaps = storedAt(document).isAfter(gapTimeoutFrame);
            if (current == null) {
                SortedSet<Long> initialGaps = allowGaps
                        ? LongStream.range(Math.max(1, index - maxGapOffset), index).boxed().collect(Collectors.toCollection(TreeSet::new))
                        : Collections.emptySortedSet();
                current = GapAwareTrackingToken.newInstance(index, initialGaps);
            } else {
                current = current.advanceTo(index, allowGaps ? maxGapOffset : 0);
            }
            result.add(new TrackedDomainEventData<>(current, entry));
        }
        return result;
    }

    private List<Document> fetchWindow(List<Long> extraIds, long windowStart, long count) {
        List<Long> ids = new ArrayList<>(extraIds.size() + (int) Math.max(0, count));
        ids.addAll(extraIds);
        for (long i = windowStart; i < windowStart + count; i++) {
            ids.add(i);
        }
        // Highest keys first. A commit's events are inserted in index order, so a later event seen implies the earlier
        // ones of its commit are stored by then; read low keys first and a commit being inserted between two round
        // trips would show its tail without its head: gaps filled later, events of one patient out of order.
        ids.sort(Comparator.reverseOrder());
        return KeyLookup.findAll(events, ids, null);
    }

    /** Drops runs of gaps whose following event was stored longer than the gap timeout ago: they will never fill. */
    private GapAwareTrackingToken withoutExpiredGaps(GapAwareTrackingToken token, List<Document> found) {
        if (token.getGaps().isEmpty()) {
            return token;
        }
        Instant frame = clock.instant().minusMillis(gapTimeoutMillis);
        Map<Long, Document> byIndex = new LinkedHashMap<>();
        found.forEach(d -> byIndex.put(index(d), d));
        SortedSet<Long> remaining = new TreeSet<>();
        for (Long gap : token.getGaps()) {
            long next = gap + 1;
            while (token.getGaps().contains(next)) {
                next++;
            }
            Document after = byIndex.get(next);
            boolean filled = byIndex.containsKey(gap);
            boolean expired = !filled && after != null && storedAt(after).isBefore(frame);
            if (!expired) {
                remaining.add(gap);
            }
        }
        return remaining.size() == token.getGaps().size() ? token
                                                          : GapAwareTrackingToken.newInstance(token.getIndex(), remaining);
    }

    /**
     * The highest allocated index as far as a reader needs it: the known head if it reaches {@code index}, else the
     * counter, read at most once per {@link #COUNTER_READ_INTERVAL_NANOS}. Axon reads the stream until a fetch comes
     * back empty, so without the interval every event a tailing reader takes costs a second round trip to the
     * counter; this instance's own appends raise the known head at once, other instances' are seen at most that much
     * later (well within the event store's fetch delay).
     */
    private long headAtLeast(long index) {
        long known = knownHead.get();
        if (known >= index || System.nanoTime() - counterReadAt < COUNTER_READ_INTERVAL_NANOS) {
            return known;
        }
        return currentCounter();
    }

    /** The counter's value, i.e. the last index allocated by any instance, less this instance's block not handed out. */
    private long currentCounter() {
        long counter = indexes.readableHead(indexes.current());
        counterReadAt = System.nanoTime();
        return knownHead.accumulateAndGet(counter, Math::max);
    }

    private static Instant storedAt(Document document) {
        Date recordedAt = document.getDate("recordedAt");
        return (recordedAt != null ? recordedAt : document.getDate("timestamp")).toInstant();
    }

    private static long index(Document document) {
        return document.get("_id", Number.class).longValue();
    }

    @Override
    public TrackingToken createTailToken() {
        return null; // global indexes start at 1: "before everything" needs no marker
    }

    @Override
    public TrackingToken createHeadToken() {
        long head = currentCounter();
        if (head == 0) {
            return null;
        }
        // Allocated indexes near the head may still be in flight: keep the missing ones as gaps. The head is the last
        // stored of them: the rest of a reserved block may never be written.
        long from = Math.max(1, head - 100 - indexes.blockSize());
        List<Long> present = events.find(in("_id", LongStream.rangeClosed(from, head).boxed().toList()))
                                   .projection(new Document("_id", 1)).map(MongoEventStorageEngine::index)
                                   .into(new ArrayList<>());
        if (present.isEmpty()) {
            return GapAwareTrackingToken.newInstance(head, Collections.emptySortedSet());
        }
        long max = Collections.max(present);
        java.util.Set<Long> stored = new java.util.HashSet<>(present);
        SortedSet<Long> gaps = LongStream.range(from, max).filter(i -> !stored.contains(i)).boxed()
                                         .collect(Collectors.toCollection(TreeSet::new));
        return GapAwareTrackingToken.newInstance(max, gaps);
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        // Rare (an operator resetting a processor to a point in time): a scan is acceptable here.
        Document first = events.find(gte("timestamp", Date.from(dateTime))).sort(Sorts.ascending("_id"))
                               .projection(new Document("_id", 1)).first();
        if (first == null) {
            return createHeadToken();
        }
        return GapAwareTrackingToken.newInstance(index(first) - 1, Collections.emptySortedSet());
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    protected void storeSnapshot(DomainEventMessage<?> snapshot, Serializer serializer) {
        Document existing = snapshots.find(eq("_id", snapshot.getAggregateIdentifier()))
                                     .projection(new Document("seq", 1)).first();
        if (existing != null && existing.get("seq", Number.class).longValue() >= snapshot.getSequenceNumber()) {
            return; // only the newest snapshot is kept
        }
        SerializedObject<String> payload = snapshot.serializePayload(serializer, String.class);
        SerializedObject<String> metaData = snapshot.serializeMetaData(serializer, String.class);
        Document document = new Document("_id", snapshot.getAggregateIdentifier())
                .append("aggregateType", snapshot.getType())
                .append("seq", snapshot.getSequenceNumber())
                .append("eventId", snapshot.getIdentifier())
                .append("timestamp", Date.from(snapshot.getTimestamp()))
                .append("payloadType", payload.getType().getName())
                .append("payloadRevision", payload.getType().getRevision())
                .append("payload", payload.getData())
                .append("metaData", metaData.getData());
        snapshots.replaceOne(eq("_id", snapshot.getAggregateIdentifier()), document,
                             new com.mongodb.client.model.ReplaceOptions().upsert(true));
    }

    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        Document document = snapshots.find(eq("_id", aggregateIdentifier)).first();
        if (document == null) {
            return Stream.empty();
        }
        return Stream.of(new GenericDomainEventEntry<>(
                document.getString("aggregateType"), aggregateIdentifier, document.get("seq", Number.class).longValue(),
                document.getString("eventId"), document.getDate("timestamp").toInstant(),
                document.getString("payloadType"), document.getString("payloadRevision"),
                document.getString("payload"), document.getString("metaData")));
    }

    /** Removes every snapshot (e.g. after an aggregate's event-sourcing handlers changed). */
    public void deleteSnapshots(Bson filter) {
        snapshots.deleteMany(filter);
    }

    // ---------------------------------------------------------------- mapping

    static GenericDomainEventEntry<String> toEntry(Document document) {
        Number seq = document.get("seq", Number.class);
        return new StoredEntry(document, seq == null ? 0L : seq.longValue(), document.getDate("timestamp").toInstant());
    }

    /**
     * Keeps the stored instant: Axon's entry keeps a formatted string and parses it on every {@code getTimestamp()},
     * twice per event read (gap timeout, message), 3% of a replay's reading thread.
     */
    private static final class StoredEntry extends GenericDomainEventEntry<String> {
        private final Instant timestamp;

        StoredEntry(Document document, long seq, Instant timestamp) {
            super(document.getString("aggregateType"), document.getString("aggregateId"), seq,
                  document.getString("eventId"), timestamp, document.getString("payloadType"),
                  document.getString("payloadRevision"), document.getString("payload"),
                  document.getString("metaData"));
            this.timestamp = timestamp;
        }

        @Override
        public Instant getTimestamp() {
            return timestamp;
        }
    }

    /** Duplicate keys (code 11000) are conflicts; anything else is a storage failure. */
    public static boolean isDuplicateKey(Exception exception) {
        if (exception instanceof MongoWriteException e) {
            return e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        if (exception instanceof MongoBulkWriteException e) {
            return e.getWriteErrors().stream()
                    .anyMatch(w -> ErrorCategory.fromErrorCode(w.getCode()) == ErrorCategory.DUPLICATE_KEY);
        }
        return false;
    }

    /**
     * A stream's last event: its sequence, hash and global index (in a batch being built: the index of the stored event
     * the batch follows, 0 for a new stream, until the batch's indexes are allocated).
     */
    private record ChainHead(long sequence, String hash, long index) {
        ChainHead at(long globalIndex) {
            return new ChainHead(sequence, hash, globalIndex);
        }
    }

    public static class Builder extends BatchingEventStorageEngine.Builder {

        private MongoDatabase database;
        private int maxGapOffset = 10_000;
        private long gapTimeoutMillis = 60_000;
        private int chainHeadCacheSize = 50_000;
        private Clock clock = Clock.systemUTC();
        private int indexBlockSize = 1;
        private Duration indexBlockLease = Duration.ofSeconds(10);

        public Builder() {
            persistenceExceptionResolver(MongoEventStorageEngine::isDuplicateKey);
        }

        public Builder database(MongoDatabase database) {
            this.database = database;
            return this;
        }

        /** Gaps further behind the newest event than this are given up (as Axon's JDBC engine does). */
        public Builder maxGapOffset(int maxGapOffset) {
            this.maxGapOffset = maxGapOffset;
            return this;
        }

        /** An index still missing this long after a later event was stored is taken as never to be written. */
        public Builder gapTimeoutMillis(long gapTimeoutMillis) {
            this.gapTimeoutMillis = gapTimeoutMillis;
            return this;
        }

        /**
         * Global indexes reserved per round trip to the counter, each block used for at most {@code lease} (ADR 0013);
         * 1 allocates per commit. The lease must stay well inside the gap timeout.
         */
        public Builder indexBlocks(int size, Duration lease) {
            this.indexBlockSize = size;
            this.indexBlockLease = lease;
            return this;
        }

        public Builder chainHeadCacheSize(int chainHeadCacheSize) {
            this.chainHeadCacheSize = chainHeadCacheSize;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        @Override
        public Builder eventSerializer(Serializer eventSerializer) {
            super.eventSerializer(eventSerializer);
            return this;
        }

        @Override
        public Builder snapshotSerializer(Serializer snapshotSerializer) {
            super.snapshotSerializer(snapshotSerializer);
            return this;
        }

        @Override
        public Builder upcasterChain(org.axonframework.serialization.upcasting.event.EventUpcaster upcasterChain) {
            super.upcasterChain(upcasterChain);
            return this;
        }

        @Override
        public Builder persistenceExceptionResolver(PersistenceExceptionResolver persistenceExceptionResolver) {
            super.persistenceExceptionResolver(persistenceExceptionResolver);
            return this;
        }

        @Override
        public Builder snapshotFilter(org.axonframework.eventsourcing.snapshotting.SnapshotFilter snapshotFilter) {
            super.snapshotFilter(snapshotFilter);
            return this;
        }

        @Override
        public Builder snapshotFilter(Predicate<? super DomainEventData<?>> snapshotFilter) {
            super.snapshotFilter(snapshotFilter);
            return this;
        }

        @Override
        public Builder batchSize(int batchSize) {
            super.batchSize(batchSize);
            return this;
        }

        @Override
        protected void validate() {
            super.validate();
            if (database == null) {
                throw new org.axonframework.common.AxonConfigurationException("A MongoDatabase is required");
            }
            if (indexBlockSize > 1 && indexBlockLease.toMillis() * 2 > gapTimeoutMillis) {
                throw new org.axonframework.common.AxonConfigurationException(
                        "An index block's lease must be under half the gap timeout, or readers may give its indexes up");
            }
        }

        public MongoEventStorageEngine build() {
            validate();
            return new MongoEventStorageEngine(this);
        }
    }
}
