package uk.rxledger.outcomes;

import uk.rxledger.projection.KeyLookup;
import uk.rxledger.projection.ReadModelReset;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Totals kept by adding differences, exactly once, without transactions (ADR 0009).
 * <p>
 * Each contributor (a patient) has a document holding what it currently adds to every bucket ({@code c}), the
 * differences its last change sent to the buckets ({@code p}, a redo log) and the processor token of the batch that sent
 * them ({@code m}). Each bucket holds its totals and the token of the last batch that added to it. A batch first writes
 * the contributors (new contributions, their redo log), then adds the differences to the buckets with one
 * {@code $inc} each and stamps them with its token. After a crash between the two, the redelivered batch finds a
 * contributor whose redo log is not covered by a bucket's token and adds it again; a bucket whose token covers it is
 * left alone. Contributors and buckets are small, so a change rewrites little, and queries read totals only.
 * <p>
 * The writer remembers, for each contributor, which state of its source (e.g. the patient view's sequence) and which
 * day its confirmed contribution was computed from: a later batch that brings nothing newer skips the contributor
 * without reading anything ({@link #stale}). In a rebuild, where every source is already complete, a patient is
 * computed once however many batches hold its events. The memory is bounded; forgetting only costs a recomputation.
 * <p>
 * One writer at a time: the outcomes processor has a single segment (a second concurrent writer could interleave a
 * read of a contributor with another's write).
 */
final class DeltaLedger {

    /** The processor token of a batch: a bucket stamped with a mark covering another has applied that batch. */
    record Mark(long index, List<Long> gaps) {

        static Mark of(TrackingToken token) {
            GapAwareTrackingToken gapAware = WrappedToken.unwrap(token, GapAwareTrackingToken.class).orElseThrow(
                    () -> new IllegalStateException("The outcomes ledger needs gap-aware tokens, not " + token));
            return new Mark(gapAware.getIndex(), List.copyOf(gapAware.getGaps()));
        }

        boolean covers(Mark other) {
            return token().covers(other.token());
        }

        private GapAwareTrackingToken token() {
            return GapAwareTrackingToken.newInstance(index, gaps);
        }

        Document toDocument() {
            return new Document("i", index).append("g", gaps);
        }

        static Mark from(Document document) {
            if (document == null) {
                return null;
            }
            List<Long> gaps = new ArrayList<>();
            document.getList("g", Number.class, List.of()).forEach(n -> gaps.add(n.longValue()));
            return new Mark(document.get("i", Number.class).longValue(), gaps);
        }
    }

    /** What a contributor adds (bucket id → field path → value), computed from state {@code seq} of its source on {@code day}. */
    record Contribution(long seq, LocalDate day, Map<String, Map<String, Long>> values) {
        Version version() {
            return new Version(seq, day);
        }
    }

    /** The state of a contributor's source and the day a contribution was computed from. */
    record Version(long seq, LocalDate day) {
    }

    /** Contributors remembered as computed: ample for a large practice population (about 100 bytes each). */
    private static final int REMEMBERED = 500_000;

    private static final Map<String, Map<String, Long>> NONE = Map.of();

    private final MongoCollection<Document> contributors;
    private final MongoCollection<Document> buckets;
    private final Function<String, Document> describe;
    /** The last batch whose token the processor stored: everything it sent is in the buckets. */
    private volatile Mark committed;
    /** Versions of confirmed contributions, least recently used first. */
    private final Map<String, Version> computed = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Version> eldest) {
                    return size() > REMEMBERED;
                }
            });

    DeltaLedger(MongoCollection<Document> contributors, MongoCollection<Document> buckets,
                Function<String, Document> describe) {
        this.contributors = contributors;
        this.buckets = buckets;
        this.describe = describe;
    }

    /**
     * Records that the processor stored the token of the batch stamped {@code mark}, in which the contributions of
     * {@code versions} were applied.
     */
    void committed(Mark mark, Map<String, Version> versions) {
        committed = mark;
        computed.putAll(versions);
    }

    /**
     * The contributors to compute again: those not remembered as computed and confirmed from at least the state
     * {@code sequences} gives, on {@code day}.
     */
    Set<String> stale(Map<String, Long> sequences, LocalDate day) {
        Set<String> stale = new TreeSet<>();
        sequences.forEach((id, sequence) -> {
            Version version = computed.get(id);
            if (version == null || version.seq() < sequence || !version.day().equals(day)) {
                stale.add(id);
            }
        });
        return stale;
    }

    /** Replaces what each contributor adds to the buckets, in the batch stamped {@code mark}. */
    void apply(Map<String, Contribution> next, Mark mark) {
        if (next.isEmpty()) {
            return;
        }
        Map<String, Document> stored = new HashMap<>();
        KeyLookup.forEach(contributors, next.keySet(), null, d -> stored.put(d.getString("_id"), d));
        Map<String, Mark> bucketMarks = marksOfUnconfirmedBuckets(stored.values());

        List<WriteModel<Document>> contributorWrites = new ArrayList<>();
        Map<String, Map<String, Long>> sums = new TreeMap<>();
        Set<String> touched = new TreeSet<>();
        next.forEach((id, computation) -> {
            Map<String, Map<String, Long>> contribution = computation.values();
            Document previous = stored.get(id);
            Map<String, Map<String, Long>> current = previous == null ? NONE : decode(previous.getList("c", Document.class));
            Map<String, Map<String, Long>> redo = new TreeMap<>();
            Mark previousMark = previous == null ? null : Mark.from(previous.get("m", Document.class));
            if (previousMark != null && !confirmed(previousMark)) {
                decode(previous.getList("p", Document.class)).forEach((bucket, fields) -> {
                    Mark bucketMark = bucketMarks.get(bucket);
                    if (bucketMark == null || !bucketMark.covers(previousMark)) {
                        fields.forEach((field, value) -> add(redo, bucket, field, value));
                    }
                });
            }
            if (redo.isEmpty() && contribution.equals(current)) {
                return;
            }
            difference(contribution, current).forEach((bucket, fields) ->
                    fields.forEach((field, value) -> add(redo, bucket, field, value)));
            Document written = new Document("_id", id).append("c", encode(contribution)).append("p", encode(redo))
                                                      .append("m", mark.toDocument());
            // A contributor not found is inserted (cheaper than an upsert; a concurrent writer's duplicate key fails
            // the batch, which is redelivered and then finds it).
            contributorWrites.add(previous == null ? new InsertOneModel<>(written)
                                                   : new ReplaceOneModel<>(Filters.eq("_id", id), written,
                                                                           new ReplaceOptions().upsert(true)));
            redo.forEach((bucket, fields) -> {
                touched.add(bucket);
                fields.forEach((field, value) -> add(sums, bucket, field, value));
            });
        });
        if (contributorWrites.isEmpty()) {
            return;
        }
        contributors.bulkWrite(contributorWrites, new BulkWriteOptions().ordered(false));
        List<WriteModel<Document>> bucketWrites = new ArrayList<>();
        for (String bucket : touched) {
            // Stamped even when the sum is zero: a contributor's redo log naming this bucket must read as applied.
            Document increments = new Document();
            sums.getOrDefault(bucket, Map.of()).forEach(increments::append);
            List<Bson> update = new ArrayList<>();
            if (!increments.isEmpty()) {
                update.add(new Document("$inc", increments));
            }
            update.add(new Document("$set", new Document("mark", mark.toDocument())));
            update.add(new Document("$setOnInsert", describe.apply(bucket)));
            bucketWrites.add(new UpdateOneModel<>(Filters.eq("_id", bucket), combine(update),
                                                  new UpdateOptions().upsert(true)));
        }
        buckets.bulkWrite(bucketWrites, new BulkWriteOptions().ordered(false));
    }

    /** Every contributor's id (a scan: for the daily re-evaluation, not for requests). */
    List<String> contributorIds() {
        return contributors.find().projection(Projections.include("_id")).map(d -> d.getString("_id"))
                           .into(new ArrayList<>());
    }

    void deleteAll() {
        ReadModelReset.clear(contributors, buckets);
        committed = null;
        computed.clear();
    }

    private boolean confirmed(Mark mark) {
        Mark last = committed;
        return last != null && last.covers(mark);
    }

    /** The marks of the buckets named in redo logs the processor has not confirmed (only after a restart or crash). */
    private Map<String, Mark> marksOfUnconfirmedBuckets(Collection<Document> stored) {
        Set<String> ids = new TreeSet<>();
        for (Document contributor : stored) {
            Mark mark = Mark.from(contributor.get("m", Document.class));
            if (mark != null && !confirmed(mark)) {
                contributor.getList("p", Document.class, List.of()).forEach(e -> ids.add(e.getString("b")));
            }
        }
        Map<String, Mark> marks = new HashMap<>();
        if (!ids.isEmpty()) {
            KeyLookup.forEach(buckets, ids, Projections.include("mark"),
                    d -> marks.put(d.getString("_id"), Mark.from(d.get("mark", Document.class))));
        }
        return marks;
    }

    private static Bson combine(List<Bson> operators) {
        Document update = new Document();
        for (Bson operator : operators) {
            update.putAll((Document) operator);
        }
        return update;
    }

    static Map<String, Map<String, Long>> difference(Map<String, Map<String, Long>> next,
                                                     Map<String, Map<String, Long>> previous) {
        Map<String, Map<String, Long>> delta = new TreeMap<>();
        next.forEach((bucket, fields) -> fields.forEach((field, value) -> add(delta, bucket, field, value)));
        previous.forEach((bucket, fields) -> fields.forEach((field, value) -> add(delta, bucket, field, -value)));
        return delta;
    }

    private static void add(Map<String, Map<String, Long>> target, String bucket, String field, long value) {
        Map<String, Long> fields = target.computeIfAbsent(bucket, b -> new TreeMap<>());
        if (fields.merge(field, value, Long::sum) == 0) {
            fields.remove(field);
        }
        if (fields.isEmpty()) {
            target.remove(bucket);
        }
    }

    /** Field paths hold dots, which stored keys may not: contributions are stored as (bucket, field, value) entries. */
    private static List<Document> encode(Map<String, Map<String, Long>> contribution) {
        List<Document> entries = new ArrayList<>();
        contribution.forEach((bucket, fields) -> fields.forEach((field, value) ->
                entries.add(new Document("b", bucket).append("f", field).append("v", value))));
        return entries;
    }

    private static Map<String, Map<String, Long>> decode(List<Document> entries) {
        Map<String, Map<String, Long>> contribution = new TreeMap<>();
        if (entries != null) {
            for (Document e : entries) {
                add(contribution, e.getString("b"), e.getString("f"), e.get("v", Number.class).longValue());
            }
        }
        return contribution;
    }
}
