package uk.rxledger.eventstore;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spreads the segments of each shared streaming processor over the live instances.
 * <p>
 * A pooled processor claims every unclaimed segment it finds, so the first instance to start owns them all and a
 * second one would sit idle (Axon Server balances segments; a MongoDB token store does not). Each instance announces
 * itself in {@code instances} and, when it holds more than its fair share (segments / live instances, rounded up),
 * releases the excess for a while; the other instances' coordinators claim them. A dead instance's claims time out
 * and are taken over the same way. Processors with a private in-memory token store are left alone (ADR 0010).
 */
@Component
@ConditionalOnProperty(name = "rxledger.processors.balance", havingValue = "true", matchIfMissing = true)
public class SegmentBalancer {

    private static final Logger log = LoggerFactory.getLogger(SegmentBalancer.class);
    static final String COLLECTION = "instances";

    private final EventProcessingConfiguration processing;
    private final MongoCollection<Document> instances;
    private final NodeIdentity node;
    private final Clock clock;
    private final long intervalMillis;

    public SegmentBalancer(EventProcessingConfiguration processing, MongoDatabase database, NodeIdentity node,
                           Clock clock, @Value("${rxledger.processors.balance-interval-ms:5000}") long intervalMillis) {
        this.processing = processing;
        this.instances = database.getCollection(COLLECTION);
        this.node = node;
        this.clock = clock;
        this.intervalMillis = intervalMillis;
    }

    @Scheduled(fixedDelayString = "${rxledger.processors.balance-interval-ms:5000}",
               initialDelayString = "${rxledger.processors.balance-interval-ms:5000}")
    public void balance() {
        try {
            int live = heartbeat();
            processing.eventProcessors().forEach((name, processor) -> {
                if (processor instanceof StreamingEventProcessor streaming && streaming.isRunning() && shared(name)) {
                    balance(name, streaming, live);
                }
            });
        } catch (RuntimeException e) {
            // Balancing is an optimisation: a failed round leaves the claims as they are and the next round retries.
            log.warn("Segment balancing round failed: {}", e.toString());
        }
    }

    /** Records that this instance is alive and returns how many instances were seen in the last three rounds. */
    int heartbeat() {
        long now = clock.millis();
        instances.replaceOne(Filters.eq("_id", node.id()),
                             new Document("_id", node.id()).append("seenAt", new Date(now)),
                             new ReplaceOptions().upsert(true));
        Date cutoff = new Date(now - 3 * intervalMillis);
        long live = 0;
        for (Document instance : instances.find()) { // a handful of documents: a scan costs what a lookup does
            Date seen = instance.getDate("seenAt");
            if (seen != null && seen.after(cutoff)) {
                live++;
            }
        }
        return (int) Math.max(1, live);
    }

    private boolean shared(String name) {
        TokenStore store = processing.tokenStore(name);
        return !(store instanceof InMemoryTokenStore);
    }

    private void balance(String name, StreamingEventProcessor processor, int live) {
        int total = processing.tokenStore(name).fetchSegments(name).length;
        if (total == 0) {
            return;
        }
        Map<Integer, EventTrackerStatus> claimed = processor.processingStatus();
        int excess = claimed.size() - fairShare(total, live);
        if (excess <= 0) {
            return;
        }
        List<Integer> release = claimed.keySet().stream().sorted(Comparator.reverseOrder()).limit(excess).toList();
        log.info("Processor {}: holding {} of {} segments with {} instances live; releasing {}",
                 name, claimed.size(), total, live, release);
        // Long enough for another instance's coordinator to claim it; if none does, this one takes it back.
        release.forEach(segment -> processor.releaseSegment(segment, 6 * intervalMillis, TimeUnit.MILLISECONDS));
    }

    /** A stopping instance stops counting as live at once, so the others' next round takes its share. */
    @jakarta.annotation.PreDestroy
    void leave() {
        try {
            instances.deleteOne(Filters.eq("_id", node.id()));
        } catch (RuntimeException e) {
            log.debug("Could not remove this instance's heartbeat: {}", e.toString());
        }
    }

    /** Segments each of {@code live} instances should hold at most: total / live, rounded up. */
    static int fairShare(int total, int live) {
        return (total + live - 1) / Math.max(1, live);
    }
}
