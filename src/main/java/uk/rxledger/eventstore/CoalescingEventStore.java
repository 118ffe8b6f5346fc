package uk.rxledger.eventstore;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Axon's embedded event store, whose producer is woken at most once per interval while commits keep coming.
 * <p>
 * Axon wakes the producer after every commit, and the producer then reads the new events from the store: one read
 * per command, on the same collection the next command writes to. The first commit after a quiet interval still
 * wakes it at once (a lone mutation reads its own write as soon as before); later commits within the interval are
 * left to one wake-up at its end, which reads all of them together. The processors pick events up on their own
 * tick (ADR 0005), longer than this interval, so under load their batches hardly change. See ADR 0015.
 */
public class CoalescingEventStore extends EmbeddedEventStore {

    private final long intervalNanos;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean wakeUpPending = new AtomicBoolean();
    private volatile long lastWakeUp = System.nanoTime() - Long.MAX_VALUE / 2;

    public CoalescingEventStore(Builder builder, Duration interval) {
        super(builder);
        this.intervalNanos = interval.toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "event-producer-wakeup");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected void afterCommit(List<? extends EventMessage<?>> events) {
        if (intervalNanos <= 0) {
            super.afterCommit(events);
            return;
        }
        long now = System.nanoTime();
        long dueIn = lastWakeUp + intervalNanos - now;
        if (dueIn <= 0 && !wakeUpPending.get()) {
            lastWakeUp = now;
            super.afterCommit(events);
        } else if (wakeUpPending.compareAndSet(false, true)) {
            // Cleared before the wake-up: a commit that still sees it set was stored before the producer reads.
            // (Axon's wake-up ignores which events were committed; it reads whatever is new.)
            Runnable wakeUp = () -> {
                wakeUpPending.set(false);
                lastWakeUp = System.nanoTime();
                super.afterCommit(events);
            };
            try {
                scheduler.schedule(wakeUp, Math.max(0, dueIn), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                wakeUp.run();
            }
        }
    }

    @Override
    public void shutDown() {
        scheduler.shutdownNow();
        super.shutDown();
    }
}
