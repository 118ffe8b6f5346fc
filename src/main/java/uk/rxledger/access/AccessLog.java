package uk.rxledger.access;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.graphql.Connection;
import uk.rxledger.graphql.Pagination;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.stream.LongStream;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

/**
 * Who read or changed a patient's data (ADR 0012). The embedded server only serves key lookups, so the log is kept
 * by key: a head per patient counting its records ({@code $inc}), and buckets {@code patientId/n} of
 * {@value #BUCKET} {@code $push}ed records; a page reads the buckets it needs with one {@code _id $in}.
 */
public class AccessLog {

    static final int BUCKET = 200;
    private static final String PREFIX = "al:";

    /** One access: when, who, in which role, which patient, through which operation, for which purpose. */
    public record Entry(long sequence, Instant at, String actor, String role, String patientId, String operation,
                        String purpose) {
    }

    private final MongoCollection<Document> heads;
    private final MongoCollection<Document> buckets;

    /**
     * Every write of the log (the head's counter and the bucket's record) is acknowledged only once a majority of the
     * replica set has it in its journal, whatever the client's default: an answer the log admitted survives the
     * loss of the primary (a {@code w: 1} write acknowledged by a primary that then fails can be rolled back).
     */
    static final WriteConcern DURABLE = WriteConcern.MAJORITY.withJournal(true);

    public AccessLog(MongoDatabase database) {
        this.heads = database.getCollection("access_log_heads").withWriteConcern(DURABLE);
        this.buckets = database.getCollection("access_log").withWriteConcern(DURABLE);
    }

    /** Stores one record; throws when it cannot, so the request fails rather than going unlogged. */
    public Entry record(Instant at, String actor, String role, String patientId, String operation, String purpose) {
        Document head = heads.findOneAndUpdate(eq("_id", patientId), Updates.inc("count", 1L),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE));
        long sequence = head == null ? 0 : ((Number) head.get("count")).longValue();
        Entry entry = new Entry(sequence, at, actor, role, patientId, operation, purpose);
        buckets.updateOne(eq("_id", bucketId(patientId, sequence / BUCKET)),
                          Updates.push("entries", new Document("seq", sequence).append("at", Date.from(at))
                                  .append("actor", actor).append("role", role).append("operation", operation)
                                  .append("purpose", purpose)),
                          new UpdateOptions().upsert(true));
        return entry;
    }

    /** A page of the patient's records, newest first. */
    public Connection<Entry> page(String patientId, Integer first, String after) {
        int size = Pagination.pageSize(first);
        Document head = heads.find(eq("_id", patientId)).first();
        long count = head == null ? 0 : ((Number) head.get("count")).longValue();
        long below = after == null ? count : position(after); // records with a smaller sequence
        List<Entry> found = new ArrayList<>();
        long bucket = (below - 1) / BUCKET;
        // a failed push can leave a gap, so keep reading older buckets until the page (and one more) is full
        while (below > 0 && bucket >= 0 && found.size() <= size) {
            long from = Math.max(0, bucket - (size / BUCKET + 1));
            List<String> ids = LongStream.rangeClosed(from, bucket).mapToObj(b -> bucketId(patientId, b)).toList();
            for (Document doc : buckets.find(in("_id", ids))) {
                for (Document e : doc.getList("entries", Document.class)) {
                    long seq = ((Number) e.get("seq")).longValue();
                    if (seq < below) {
                        found.add(new Entry(seq, e.getDate("at").toInstant(), e.getString("actor"),
                                            e.getString("role"), patientId, e.getString("operation"),
                                            e.getString("purpose")));
                    }
                }
            }
            below = Math.min(below, from * BUCKET);
            bucket = from - 1;
        }
        found.sort(Comparator.comparingLong(Entry::sequence).reversed());
        List<Connection.Edge<Entry>> edges = found.stream().limit(size)
                .map(e -> new Connection.Edge<>(cursor(e.sequence()), e)).toList();
        return new Connection<>(edges, Pagination.pageInfo(edges, found.size() > size, after != null), count);
    }

    private static String bucketId(String patientId, long bucket) {
        return patientId + "/" + bucket;
    }

    private static String cursor(long sequence) {
        return Base64.getUrlEncoder().withoutPadding()
                     .encodeToString((PREFIX + sequence).getBytes(StandardCharsets.UTF_8));
    }

    private static long position(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(PREFIX)) {
                long sequence = Long.parseLong(decoded.substring(PREFIX.length()));
                if (sequence >= 0) {
                    return sequence;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through: unreadable
        }
        throw new BadRequest("Unreadable cursor");
    }
}
