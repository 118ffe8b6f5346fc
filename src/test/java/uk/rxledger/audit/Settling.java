package uk.rxledger.audit;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * Waits until the application is quiet for a patient: every streaming processor has processed everything stored, the
 * patients read model has applied the stream's last event, and nothing new arrived meanwhile (the decision-support
 * policy appends alert events of its own after a change).
 */
final class Settling {

    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final PatientStreams streams;

    Settling(EventProcessingConfiguration processing, EventStore eventStore, PatientStreams streams) {
        this.processing = processing;
        this.eventStore = eventStore;
        this.streams = streams;
    }

    void settle(String patientId) {
        AtomicLong seen = new AtomicLong(-2);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            long head = head();
            long last = streams.lastSequence(patientId).orElse(-1L);
            boolean quiet = processorsAt(head) && streams.witnessSequence(patientId) == last;
            long state = head * 1_000_003 + last;
            boolean unchanged = seen.getAndSet(quiet ? state : -2) == state;
            return quiet && unchanged;
        });
    }

    private boolean processorsAt(long head) {
        return processing.eventProcessors().values().stream()
                .filter(p -> p instanceof StreamingEventProcessor)
                .map(p -> (StreamingEventProcessor) p)
                .filter(StreamingEventProcessor::isRunning)
                .allMatch(p -> !p.processingStatus().isEmpty() && p.processingStatus().values().stream()
                        .allMatch(s -> !s.isErrorState() && position(s) >= head));
    }

    private static long position(EventTrackerStatus status) {
        return status.getCurrentPosition().isPresent() ? status.getCurrentPosition().getAsLong() : -1;
    }

    private long head() {
        TrackingToken token = eventStore.createHeadToken();
        return token == null || token.position().isEmpty() ? 0 : token.position().getAsLong();
    }
}
