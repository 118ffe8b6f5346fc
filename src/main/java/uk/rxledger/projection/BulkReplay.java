package uk.rxledger.projection;

import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.DefaultInterceptorChain;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.GenericResultMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Replays a stopped streaming processor, just reset, through its own handlers and interceptors, in batches of
 * {@code chunkSize} events instead of the pooled processor's small per-segment batches.
 * <p>
 * Why: a read model's cost in a replay is its writes, one per document per batch. The pooled processor offers each
 * event to each segment's work package and handles at most ~1,000 events per batch and segment, so a patient whose
 * events are spread over the stream is rewritten in almost every batch that touches them; in batches of 20,000 events
 * over all segments at once they are rewritten once or twice (ADR 0005). Everything else is what the processor would
 * do: each event goes to the segment whose {@code canHandle} takes it, carries that segment's token (a
 * {@code ReplayToken} until the segment passes its position at the reset, so {@code ReplayStatus} and
 * {@code @DisallowReplay} behave as in an Axon replay), each batch is one {@link BatchingUnitOfWork} through the
 * processor's interceptors (so read models flush before the tokens), and after each batch every segment's token is
 * stored. The tokens are claimed for this instance throughout, so no other instance starts the processor meanwhile.
 * When it stops, for whatever reason, the processor started again continues from the stored tokens: nothing is lost,
 * and only the batch that failed is handled again (read models are idempotent). Axon's message monitors are not told
 * about the replayed events.
 * <p>
 * One thread reads (round trips, BSON decoding, deserialisation, token bookkeeping) one batch ahead of the thread that
 * handles, so the two halves use the two cores of the standard machine; the first batches are smaller (an eighth of
 * the size, doubling) so that handling starts while the rest is read.
 */
public final class BulkReplay {

    /**
     * What each event's handling returns to the unit of work. A result that is not a message is wrapped in a new one
     * for every event, and building a message asks the unit of work's correlation data providers about the event:
     * 16% of the handling thread's time in a rebuild at 100,000 events, for results nobody reads.
     */
    private static final ResultMessage<Void> HANDLED = new GenericResultMessage<>(
            new GenericMessage<>("bulk-replay-handled", Void.class, null, MetaData.emptyInstance()));

    private final EventStorageEngine engine;
    private final TokenStore tokenStore;
    private final int chunkSize;

    public BulkReplay(EventStorageEngine engine, TokenStore tokenStore, int chunkSize) {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        this.engine = engine;
        this.tokenStore = tokenStore;
        this.chunkSize = chunkSize;
    }

    /**
     * Replays {@code processor} (shut down, its tokens just reset) from the lowest of its segments' positions to the
     * head of the store, reporting each stored position to {@code progress}; returns the number of events handled.
     */
    public long replay(AbstractEventProcessor processor, LongConsumer progress) throws Exception {
        String name = processor.getName();
        int[] ids = tokenStore.fetchSegments(name);
        if (ids.length == 0) {
            return 0; // never started: the processor itself will start from the beginning
        }
        Segment[] segments = Segment.computeSegments(ids);
        TrackingToken[] tokens = new TrackingToken[segments.length];
        try {
            for (int i = 0; i < segments.length; i++) {
                // Claims the segment; fails if another instance holds it, and then nothing is handled.
                tokens[i] = tokenStore.fetchToken(name, segments[i].getSegmentId());
            }
            return replay(processor, segments, tokens, progress);
        } finally {
            // Only this instance's claims are released; another instance's claim stays as it is.
            for (Segment segment : segments) {
                tokenStore.releaseClaim(name, segment.getSegmentId());
            }
        }
    }

    private long replay(AbstractEventProcessor processor, Segment[] segments, TrackingToken[] tokens,
                        LongConsumer progress) throws Exception {
        EventHandlerInvoker invoker = processor.eventHandlerInvoker();
        List<MessageHandlerInterceptor<? super EventMessage<?>>> interceptors = processor.getHandlerInterceptors();
        Reader reader = new Reader(start(tokens), invoker, segments, tokens);
        Thread thread = new Thread(reader, "bulk-replay-reader-" + processor.getName());
        thread.setDaemon(true);
        thread.start();
        long handled = 0;
        try {
            for (Chunk chunk = reader.next(); chunk != null; chunk = reader.next()) {
                handle(chunk.batch(), chunk.segmentOf(), invoker, interceptors);
                handled += chunk.batch().size();
                store(processor.getName(), segments, chunk.tokens());
                chunk.position().ifPresent(progress);
            }
        } finally {
            reader.stop();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        return handled;
    }

    /**
     * A batch ready to handle: its events with the tokens they carry, the segment of each (null when one token stands
     * for all segments), and every segment's token after the chunk.
     */
    private record Chunk(List<TrackedEventMessage<?>> batch, Map<EventMessage<?>, Segment> segmentOf,
                         TrackingToken[] tokens, OptionalLong position) {
    }

    /** Every segment stands at the same token: advance it once, and handle the event on the root segment. */
    private static void sameForAll(TrackedEventMessage<?> event, TrackingToken[] tokens, EventHandlerInvoker invoker,
                                   List<TrackedEventMessage<?>> batch) {
        TrackingToken position = event.trackingToken();
        if (tokens[0] != null && tokens[0].covers(position)) {
            return;
        }
        TrackingToken advanced = WrappedToken.advance(tokens[0], position);
        Arrays.fill(tokens, advanced);
        if (invoker.canHandle(event, Segment.ROOT_SEGMENT)) {
            batch.add(event.withTrackingToken(advanced));
        }
    }

    /** As each segment's work package would: every token advances, the segment that can handle it takes it. */
    private static void perSegment(TrackedEventMessage<?> event, Segment[] segments, TrackingToken[] tokens,
                                   EventHandlerInvoker invoker, List<TrackedEventMessage<?>> batch,
                                   Map<EventMessage<?>, Segment> segmentOf) {
        TrackingToken position = event.trackingToken();
        Segment handler = null;
        int owner = -1;
        for (int i = 0; i < segments.length; i++) {
            if (tokens[i] != null && tokens[i].covers(position)) {
                continue; // this segment had handled it before the reset's start position
            }
            tokens[i] = WrappedToken.advance(tokens[i], position);
            if (handler == null && invoker.canHandle(event, segments[i])) {
                handler = segments[i];
                owner = i;
            }
        }
        if (handler != null) {
            TrackedEventMessage<?> wrapped = event.withTrackingToken(tokens[owner]);
            batch.add(wrapped);
            segmentOf.put(wrapped, handler);
        }
    }

    private static void handle(List<TrackedEventMessage<?>> batch, Map<EventMessage<?>, Segment> segmentOf,
                               EventHandlerInvoker invoker,
                               List<MessageHandlerInterceptor<? super EventMessage<?>>> interceptors) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        BatchingUnitOfWork<TrackedEventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(batch);
        ResultMessage<?> result = unitOfWork.executeWithResult(() -> {
            TrackedEventMessage<?> message = unitOfWork.getMessage();
            new DefaultInterceptorChain<>(unitOfWork, interceptors, m -> {
                invoker.handle(m, segmentOf == null ? Segment.ROOT_SEGMENT : segmentOf.get(message));
                return null;
            }).proceed();
            return HANDLED;
        }, RollbackConfigurationType.ANY_THROWABLE);
        if (result.isExceptional()) {
            Throwable failure = result.exceptionResult();
            throw failure instanceof Exception e ? e : new IllegalStateException(failure);
        }
    }

    private void store(String name, Segment[] segments, TrackingToken[] tokens) {
        for (int i = 0; i < segments.length; i++) {
            tokenStore.storeToken(tokens[i], name, segments[i].getSegmentId()); // also renews the claim
        }
    }

    /** Where the slowest segment stands: the stream is read from there (null: from the start). */
    private static TrackingToken start(TrackingToken[] tokens) {
        TrackingToken start = null;
        for (int i = 0; i < tokens.length; i++) {
            TrackingToken current = WrappedToken.unwrapLowerBound(tokens[i]);
            if (current == null) {
                return null;
            }
            start = i == 0 ? current : start.lowerBound(current);
        }
        return start;
    }

    /**
     * Reads the stream and prepares each chunk (deserialised, filtered, its tokens advanced) one chunk ahead of the
     * handling thread; the end of the stream is a null chunk.
     */
    private final class Reader implements Runnable {
        private static final Object END = new Object();
        private final TrackingToken start;
        private final EventHandlerInvoker invoker;
        private final Segment[] segments;
        private final TrackingToken[] tokens;
        /**
         * Segments whose tokens are equal (the usual case: a processor reset while caught up) advance alike over
         * every event, so one token stands for all and an event's segment does not matter.
         */
        private final boolean uniform;
        private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(1);
        private volatile boolean stopped;

        Reader(TrackingToken start, EventHandlerInvoker invoker, Segment[] segments, TrackingToken[] tokens) {
            this.start = start;
            this.invoker = invoker;
            this.segments = segments;
            this.tokens = tokens.clone();
            this.uniform = Arrays.stream(tokens).distinct().count() == 1;
        }

        @Override
        public void run() {
            try (Stream<? extends TrackedEventMessage<?>> stream = engine.readEvents(start, false)) {
                Iterator<? extends TrackedEventMessage<?>> events = stream.iterator();
                // The first chunks are small so that handling starts early; they double up to the chunk size.
                int size = Math.max(1, chunkSize / 8);
                while (!stopped && events.hasNext()) {
                    List<TrackedEventMessage<?>> batch = new ArrayList<>(size);
                    Map<EventMessage<?>, Segment> segmentOf = uniform ? null : new IdentityHashMap<>(size * 2);
                    TrackingToken last = null;
                    for (int n = 0; n < size && events.hasNext(); n++) {
                        TrackedEventMessage<?> event = events.next();
                        last = event.trackingToken();
                        if (uniform) {
                            sameForAll(event, tokens, invoker, batch);
                        } else {
                            perSegment(event, segments, tokens, invoker, batch, segmentOf);
                        }
                    }
                    for (TrackedEventMessage<?> event : batch) {
                        // deserialised here, on the reading thread
                        event.getPayload();
                        event.getMetaData();
                    }
                    offer(new Chunk(batch, segmentOf, tokens.clone(),
                                    last == null ? OptionalLong.empty() : last.position()));
                    size = Math.min(chunkSize, size * 2);
                }
                offer(END);
            } catch (RuntimeException | Error e) {
                offer(e);
            }
        }

        private void offer(Object item) {
            try {
                while (!stopped && !chunks.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    // the handling thread is busy with the previous chunk
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        Chunk next() throws InterruptedException {
            Object item = chunks.take();
            if (item instanceof RuntimeException e) {
                throw e;
            }
            if (item instanceof Error e) {
                throw e;
            }
            return item == END ? null : (Chunk) item;
        }

        void stop() {
            stopped = true;
            chunks.clear();
        }
    }
}
