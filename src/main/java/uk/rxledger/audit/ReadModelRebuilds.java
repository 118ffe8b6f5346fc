package uk.rxledger.audit;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import uk.rxledger.domain.Rejected;
import uk.rxledger.projection.BulkReplay;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rebuilds read models from the event stream: every segment of the named streaming processor is reset to the start of
 * the stream at once (its {@code @ResetHandler}s drop the documents), then the stream is replayed while the service
 * keeps answering. Progress is each segment's position against the head of the store.
 * <p>
 * The replay runs in the background through {@link BulkReplay} (the processor's own handlers, in large batches) while
 * the processor is stopped; the processor then starts from the tokens it stored and follows the head as before. If
 * the bulk replay fails, or is switched off ({@code rxledger.rebuild.bulk=false}), the processor replays by itself
 * from wherever the bulk replay stopped (ADR 0005).
 */
@Component
public class ReadModelRebuilds {

    private static final Logger log = LoggerFactory.getLogger(ReadModelRebuilds.class);

    public enum Status { STOPPED, STARTING, REPLAYING, CAUGHT_UP, FAILED }

    public record Segment(int segment, Long position, boolean replaying, boolean caughtUp, boolean error) {
    }

    public record Progress(String readModel, Status status, Instant startedAt, Long headPosition, int segmentCount,
                           List<Segment> segments) {
    }

    private final EventProcessingConfiguration processing;
    private final TokenStore tokenStore;
    private final EventStore eventStore;
    private final Clock clock;
    private final Map<String, Instant> started = new ConcurrentHashMap<>();
    /** Read models being replayed in bulk on this instance, and the position each has reached. */
    private final Map<String, AtomicLong> bulk = new ConcurrentHashMap<>();
    private final BulkReplay bulkReplay;
    /** Set when the application starts closing: a bulk replay that ends then must not start its processor again. */
    private volatile boolean closing;

    public ReadModelRebuilds(EventProcessingConfiguration processing, TokenStore tokenStore, EventStore eventStore,
                             Clock clock, EventStorageEngine engine,
                             @Value("${rxledger.rebuild.bulk:true}") boolean bulkEnabled,
                             @Value("${rxledger.rebuild.bulk-batch-size:20000}") int bulkBatchSize) {
        this.processing = processing;
        this.tokenStore = tokenStore;
        this.eventStore = eventStore;
        this.clock = clock;
        this.bulkReplay = bulkEnabled ? new BulkReplay(engine, tokenStore, bulkBatchSize) : null;
    }

    /**
     * The streaming processors that allow a replay, i.e. the read models that can be rebuilt. Processors that are not
     * read models (policies sending commands, notifications) must say so with {@code @DisallowReplay}.
     */
    public List<String> readModels() {
        return processing.eventProcessors().entrySet().stream()
                .filter(e -> e.getValue() instanceof StreamingEventProcessor streaming && streaming.supportsReset())
                .map(Map.Entry::getKey).sorted().toList();
    }

    public Optional<Progress> progress(String readModel) {
        return processor(readModel).map(p -> progress(readModel, p));
    }

    /**
     * Stops the processor on this instance, resets the tokens of all its segments in one go and starts it again.
     * On several instances, the processor must be stopped on the others first: a segment another instance still
     * claims cannot be reset (Axon then refuses and nothing changes).
     */
    public synchronized Progress rebuild(String readModel) {
        StreamingEventProcessor processor = processor(readModel).orElseThrow(
                () -> new Rejected("UNKNOWN_READ_MODEL", "readModel", "No read model named " + readModel
                        + "; known: " + String.join(", ", readModels())));
        if (!processor.supportsReset()) {
            throw new Rejected("REBUILD_NOT_SUPPORTED", "readModel", readModel + " cannot be replayed");
        }
        if (bulk.containsKey(readModel)) {
            throw new Rejected("REBUILD_IN_PROGRESS", "readModel", readModel + " is being rebuilt already");
        }
        log.info("Rebuilding read model {} from the event stream", readModel);
        processor.shutDown();
        boolean inBulk = false;
        try {
            processor.resetTokens();
            started.put(readModel, clock.instant());
            if (bulkReplay != null && processor instanceof AbstractEventProcessor replayable) {
                AtomicLong position = new AtomicLong(-1);
                bulk.put(readModel, position);
                Thread thread = new Thread(() -> replayInBulk(readModel, replayable, processor, position),
                                           "read-model-rebuild-" + readModel);
                thread.setDaemon(true);
                thread.start();
                inBulk = true;
            }
        } finally {
            if (!inBulk) {
                processor.start(); // started again even if the reset was refused, so the read model keeps up
            }
        }
        return progress(readModel, processor);
    }

    private void replayInBulk(String readModel, AbstractEventProcessor replayable, StreamingEventProcessor processor,
                              AtomicLong position) {
        long t0 = System.nanoTime();
        try {
            long events = bulkReplay.replay(replayable, position::set);
            log.info("Read model {} replayed in bulk: {} events in {} ms", readModel, events,
                     (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception | Error e) {
            // The processor goes on from the last tokens stored: nothing is lost, the failed batch is handled again.
            log.warn("Bulk replay of read model {} stopped at position {} ({}); the processor continues the replay",
                     readModel, position.get(), e.toString());
        } finally {
            try {
                if (!closing) {
                    processor.start();
                }
            } finally {
                bulk.remove(readModel);
            }
        }
    }

    /** Published before Axon stops its processors, so a bulk replay cut short by the shutdown leaves them stopped. */
    @EventListener(ContextClosedEvent.class)
    void closing() {
        closing = true;
    }

    private Optional<StreamingEventProcessor> processor(String readModel) {
        return readModel == null ? Optional.empty()
                : processing.eventProcessor(readModel, StreamingEventProcessor.class);
    }

    private Progress progress(String readModel, StreamingEventProcessor processor) {
        Long head = head();
        AtomicLong inBulk = bulk.get(readModel);
        if (inBulk != null) {
            // Replaying in bulk with the processor stopped: every segment stands where the bulk replay stored it.
            Long position = inBulk.get() < 0 ? null : inBulk.get();
            int[] ids = tokenStore.fetchSegments(readModel);
            List<Segment> segments = Arrays.stream(ids).sorted()
                    .mapToObj(id -> new Segment(id, position, true, false, false)).toList();
            return new Progress(readModel, Status.REPLAYING, started.get(readModel), head, ids.length, segments);
        }
        List<Segment> segments = new ArrayList<>();
        processor.processingStatus().values().stream()
                 .sorted(Comparator.comparingInt(s -> s.getSegment().getSegmentId()))
                 .forEach(s -> segments.add(segment(s)));
        int segmentCount = tokenStore.fetchSegments(readModel).length;
        return new Progress(readModel, status(processor, segments, segmentCount, head), started.get(readModel),
                            head, segmentCount, segments);
    }

    /**
     * Caught up means every segment has reached the head of the store. Axon's own "replaying" flag is not used for
     * that: a segment keeps it until it sees an event stored after the reset, however long that takes.
     */
    private static Status status(StreamingEventProcessor processor, List<Segment> segments, int segmentCount,
                                 Long head) {
        if (!processor.isRunning()) {
            return Status.STOPPED;
        }
        if (segments.stream().anyMatch(Segment::error)) {
            return Status.FAILED;
        }
        if (segments.isEmpty() || segments.size() < segmentCount) {
            return Status.STARTING;
        }
        boolean atHead = segments.stream().allMatch(
                s -> s.caughtUp() && (head == null || (s.position() != null && s.position() >= head)));
        return atHead ? Status.CAUGHT_UP : Status.REPLAYING;
    }

    private static Segment segment(EventTrackerStatus status) {
        Long position = status.getCurrentPosition().isPresent() ? status.getCurrentPosition().getAsLong() : null;
        return new Segment(status.getSegment().getSegmentId(), position, status.isReplaying(), status.isCaughtUp(),
                           status.isErrorState());
    }

    private Long head() {
        TrackingToken head = eventStore.createHeadToken();
        return head == null || head.position().isEmpty() ? null : head.position().getAsLong();
    }
}
