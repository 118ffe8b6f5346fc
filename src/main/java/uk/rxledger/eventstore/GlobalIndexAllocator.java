package uk.rxledger.eventstore;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.bson.Document;

import java.time.Duration;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

/**
 * Global indexes from the counter document, either one {@code $inc} per commit or handed out from a block reserved
 * with one {@code $inc} (ADR 0013): a commit then costs one round trip (the insert) instead of two.
 * <p>
 * Within one instance a block hands out indexes in time order, exactly as the per-commit counter would. Across
 * instances, indexes of a block may be used after higher ones of another instance's later block: readers hold them as
 * gaps ({@link org.axonframework.eventhandling.GapAwareTrackingToken}) until they are written, so a block is used for
 * at most its lease, well inside the gap timeout after which readers give a missing index up. The storage engine keeps
 * each stream's events in index order itself ({@link #allocateDirect}).
 */
final class GlobalIndexAllocator {

    private static final String EVENT_COUNTER = "events";

    private final MongoCollection<Document> counters;
    private final int blockSize;
    private final long leaseNanos;
    /** The block: {@code next..end} not yet handed out; empty when {@code next > end}. Guarded by {@code this}. */
    private long next = 1;
    private long end = 0;
    private long reservedAt;

    GlobalIndexAllocator(MongoCollection<Document> counters, int blockSize, Duration lease) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("The index block size must be at least 1, not " + blockSize);
        }
        this.counters = counters;
        this.blockSize = blockSize;
        this.leaseNanos = lease.toNanos();
        ensureCounter();
    }

    int blockSize() {
        return blockSize;
    }

    /** Allocates {@code count} consecutive indexes and returns the last. */
    long allocate(int count) {
        if (blockSize == 1) {
            return increment(count);
        }
        synchronized (this) {
            if (count > blockSize) {
                // What is left of the block goes back first: a single instance's large commits leave no unused indexes.
                giveBackUnused();
                return increment(count);
            }
            if (end - next + 1 < count || System.nanoTime() - reservedAt > leaseNanos) {
                giveBackUnused();
                end = increment(blockSize);
                next = end - blockSize + 1;
                reservedAt = System.nanoTime();
            }
            next += count;
            return next - 1;
        }
    }

    /** Allocates {@code count} indexes above every index allocated so far, by any instance; the block stays. */
    long allocateDirect(int count) {
        return increment(count);
    }

    /** Returns what is left of the block to the counter, if no other instance has reserved indexes since. */
    synchronized void release() {
        giveBackUnused();
    }

    private void giveBackUnused() {
        if (next <= end) {
            // Only if the counter still ends at our block: else the indexes stay unused (gaps readers wait out).
            counters.updateOne(and(eq("_id", EVENT_COUNTER), eq("value", end)), Updates.set("value", next - 1));
        }
        next = 1;
        end = 0;
    }

    /**
     * The highest index that can be stored, given the counter's value: the counter less what is left of this
     * instance's block when the block ends the counter, since nobody else writes those. Readers tailing the stream then
     * ask for the indexes handed out, not for the whole block (mongo-java-server matches each key found against every
     * key asked for).
     */
    synchronized long readableHead(long counter) {
        return next <= end && end == counter ? next - 1 : counter;
    }

    /** The last index allocated by any instance (including unused parts of reserved blocks). */
    long current() {
        Document counter = counters.find(eq("_id", EVENT_COUNTER)).first();
        return counter == null ? 0 : counter.get("value", Number.class).longValue();
    }

    /**
     * The counter is read as it was BEFORE the increment: mongo-java-server builds the "after" document outside its
     * lock, so concurrent increments could be handed the same value (measured: 319 duplicates in 40,000 increments
     * from 8 threads; none with "before").
     */
    private long increment(int count) {
        Document before = counters.findOneAndUpdate(
                eq("_id", EVENT_COUNTER), Updates.inc("value", (long) count),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE));
        if (before == null) {
            throw new EventStoreException("The event counter is missing");
        }
        return before.get("value", Number.class).longValue() + count;
    }

    /** Creates the counter once, so allocation never upserts (two racing upserts could both start from zero). */
    private void ensureCounter() {
        try {
            counters.insertOne(new Document("_id", EVENT_COUNTER).append("value", 0L));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
    }
}
