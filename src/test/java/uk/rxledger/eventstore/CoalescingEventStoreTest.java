package uk.rxledger.eventstore;

import com.mongodb.client.MongoClient;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.rxledger.support.EmbeddedMongo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event store's producer, woken at most once per interval while commits keep coming, on the embedded server over
 * TCP. The producer's own poll (fetch delay) is set far beyond the test's waits, so every event a stream receives
 * was fetched because a commit woke the producer.
 */
class CoalescingEventStoreTest {

    private static final Duration INTERVAL = Duration.ofMillis(500);

    private final AtomicInteger eventReads = new AtomicInteger();
    private MongoClient client;
    private CoalescingEventStore store;
    private TrackingEventStream stream;

    @BeforeEach
    void setUp() throws InterruptedException {
        EmbeddedMongo.freshDatabase("coalescing");
        client = EmbeddedMongo.listenedClient(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent e) {
                if (e.getCommandName().equals("find") && "events".equals(e.getCommand().getString("find").getValue())) {
                    eventReads.incrementAndGet();
                }
            }
        });
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        MongoEventStorageEngine engine = MongoEventStorageEngine.builder()
                .database(client.getDatabase("coalescing")).eventSerializer(serializer).snapshotSerializer(serializer)
                .indexBlocks(64, Duration.ofSeconds(10)).build();
        store = new CoalescingEventStore(EmbeddedEventStore.builder().storageEngine(engine).fetchDelay(60_000), INTERVAL);
        stream = store.openStream(null);
        publish("P-first");
        assertThat(millisUntilNext()).isNotNegative();
    }

    @AfterEach
    void tearDown() {
        stream.close();
        store.shutDown();
        client.close();
    }

    private void publish(String patient) {
        store.publish(new GenericDomainEventMessage<>("PatientRegimen", patient, 0, "registered " + patient));
    }

    private long millisUntilNext() throws InterruptedException {
        long start = System.nanoTime();
        assertThat(stream.hasNextAvailable(10, TimeUnit.SECONDS)).as("delivered without the producer's poll").isTrue();
        stream.nextAvailable();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Once a stream has read all that is stored it tails the producer's cache, which only the producer fills. */
    private void awaitTailing() throws InterruptedException {
        assertThat(stream.hasNextAvailable((int) INTERVAL.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void aLoneCommitWakesTheProducerAtOnce() throws InterruptedException {
        awaitTailing();
        Thread.sleep(INTERVAL.toMillis()); // quiet for an interval
        publish("P-1");
        assertThat(millisUntilNext()).isLessThan(INTERVAL.toMillis() / 2);
    }

    @Test
    void commitsWithinTheIntervalAfterAWakeUpAreReadTogetherAndNoneIsLeftBehind() throws InterruptedException {
        awaitTailing();
        Thread.sleep(INTERVAL.toMillis());
        long start = System.nanoTime();
        publish("P-lead"); // wakes the producer at once
        millisUntilNext();
        Thread.sleep(50); // the producer reads until a read finds nothing new, then waits to be woken
        eventReads.set(0);

        int burst = 60;
        for (int i = 0; i < burst; i++) {
            publish("P-" + i);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .as("the burst ends within the interval (else the test proves nothing)").isLessThan(INTERVAL.toMillis());
        for (int i = 0; i < burst; i++) {
            millisUntilNext(); // only by the wake-up at the end of the interval
        }
        // One read of the burst and the producer's empty read after it; without coalescing the producer reads after
        // nearly every commit.
        assertThat(eventReads.get()).isBetween(1, 3);
        assertThat(stream.hasNextAvailable(0, TimeUnit.MILLISECONDS)).isFalse();
    }
}
