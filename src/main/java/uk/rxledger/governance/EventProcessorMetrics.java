package uk.rxledger.governance;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Segment-level state of every streaming processor on this instance, which Axon's message monitors do not show:
 * segments claimed, in error and replaying; the lag (events between the head of the store and the slowest claimed
 * segment); the segment count in the token store; whether it runs. A stuck or failing processor shows here
 * (ADR 0010). Computed at scrape time from in-memory status plus two cached key lookups.
 */
@Component
class EventProcessorMetrics {

    private static final long HEAD_CACHE_MILLIS = 1000;
    private static final long SEGMENTS_CACHE_MILLIS = 10_000;

    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final MeterRegistry registry;
    private volatile long headReadAt;
    private volatile long head = -1;

    EventProcessorMetrics(EventProcessingConfiguration processing, EventStore eventStore, MeterRegistry registry) {
        this.processing = processing;
        this.eventStore = eventStore;
        this.registry = registry;
    }

    /** Processors exist once Axon has started: their gauges are registered then. */
    @EventListener(ApplicationReadyEvent.class)
    void register() {
        processing.eventProcessors().forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor) {
                gauge("rxledger.processor.running", name, p -> p.isRunning() ? 1 : 0);
                gauge("rxledger.processor.segments.claimed", name, p -> p.processingStatus().size());
                gauge("rxledger.processor.segments.error", name,
                      p -> count(p.processingStatus().values(), EventTrackerStatus::isErrorState));
                gauge("rxledger.processor.segments.replaying", name,
                      p -> count(p.processingStatus().values(), EventTrackerStatus::isReplaying));
                gauge("rxledger.processor.lag.events", name, this::lag);
                SegmentCount segments = new SegmentCount(name);
                Gauge.builder("rxledger.processor.segments", segments, SegmentCount::get)
                     .description("Segments of the processor in its token store")
                     .strongReference(true) // nothing else holds it; a gauge's state is weakly referenced
                     .tag("processorName", name).register(registry);
            }
        });
    }

    private void gauge(String meter, String name, ToDoubleFunction<StreamingEventProcessor> value) {
        Gauge.builder(meter, processing, c -> c.eventProcessor(name, StreamingEventProcessor.class)
                                               .map(value::applyAsDouble).orElse(Double.NaN))
             .tag("processorName", name).register(registry);
    }

    private static double count(Collection<EventTrackerStatus> statuses, Predicate<EventTrackerStatus> test) {
        return statuses.stream().filter(test).count();
    }

    /** Events the slowest segment claimed here is behind the head of the store (0 with none claimed). */
    private double lag(StreamingEventProcessor processor) {
        long headPosition = head();
        long lag = 0;
        for (EventTrackerStatus status : processor.processingStatus().values()) {
            long position = status.getCurrentPosition().isPresent() ? status.getCurrentPosition().getAsLong() : -1;
            lag = Math.max(lag, headPosition - position);
        }
        return lag;
    }

    private long head() {
        long now = System.currentTimeMillis();
        if (now - headReadAt > HEAD_CACHE_MILLIS) {
            TrackingToken token = eventStore.createHeadToken();
            head = token == null ? -1 : token.position().orElse(-1);
            headReadAt = now;
        }
        return head;
    }

    /** The number of segments in the token store, re-read at most every ten seconds. */
    private final class SegmentCount {
        private final String processor;
        private volatile long readAt;
        private volatile int count;

        SegmentCount(String processor) {
            this.processor = processor;
        }

        double get() {
            long now = System.currentTimeMillis();
            if (now - readAt > SEGMENTS_CACHE_MILLIS) {
                count = Optional.ofNullable(processing.tokenStore(processor))
                                .map(store -> store.fetchSegments(processor).length).orElse(0);
                readAt = now;
            }
            return count;
        }
    }
}
