package uk.rxledger.projection;

import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Read-your-writes for mutations: waits until a read-model document has applied a given event sequence.
 * <p>
 * The document itself is the source of truth (so it works when another instance owns the processor segment); local
 * flushes wake waiters at once instead of letting them sleep a polling interval.
 */
@Component
public class ProjectionProgress {

    private static final long POLL_MILLIS = 20;
    private final Object monitor = new Object();
    /** Bumped on every local flush, so a waiter never sleeps through a flush that happened while it was reading. */
    private long generation;

    void advanced(String collection, String id, long sequence) {
        synchronized (monitor) {
            generation++;
            monitor.notifyAll();
        }
    }

    /** @return true when the document reached the sequence within the timeout */
    public boolean await(LongSupplier appliedSequence, long sequence, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen;
            synchronized (monitor) {
                seen = generation;
            }
            if (appliedSequence.getAsLong() >= sequence) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            synchronized (monitor) {
                try {
                    if (generation == seen) {
                        monitor.wait(Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000)));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }
}
