package uk.rxledger.bench;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.TrackedEventData;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.bson.Document;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import uk.rxledger.eventstore.MongoEventStorageEngine;

import java.time.Clock;
import java.util.List;

import static com.mongodb.client.model.Filters.eq;

/**
 * What-if experiments for the benchmark, off unless asked for; they never change main code, they replace a bean in
 * the benchmark's own context:
 * <ul>
 *     <li>{@code -Dbench.experiment=bounded-window}: the storage engine with {@code fetchTrackedEvents} bounded by the
 *     event counter, so that a tailing reader at the head asks for the few ids that exist instead of a full
 *     {@code batchSize} window of {@code _id $in} (and skips the query entirely when nothing was allocated);</li>
 *     <li>(not a bean) {@code -Daxon.timeout.enabled=false}: Axon's handler/unit-of-work timeouts off.</li>
 * </ul>
 */
@TestConfiguration(proxyBeanMethods = false)
class BenchExperiments {

    @Bean
    @Primary
    @ConditionalOnProperty(name = "bench.experiment", havingValue = "bounded-window")
    EventStorageEngine boundedWindowEventStorageEngine(MongoDatabase database,
                                                       @Qualifier("eventSerializer") Serializer eventSerializer,
                                                       org.axonframework.config.Configuration configuration,
                                                       Clock clock,
                                                       @Value("${rxledger.eventstore.batch-size:500}") int batchSize) {
        MongoEventStorageEngine.Builder builder = MongoEventStorageEngine.builder()
                .database(database)
                .eventSerializer(eventSerializer)
                .snapshotSerializer(snapshotSerializer())
                .upcasterChain(configuration.upcasterChain())
                .batchSize(batchSize)
                .clock(clock);
        return new BoundedWindowEngine(builder, database);
    }

    /** As AxonConfiguration's (package-private) snapshot serializer: Jackson with field access. */
    private static Serializer snapshotSerializer() {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        return JacksonSerializer.builder().objectMapper(mapper).build();
    }

    static final class BoundedWindowEngine extends MongoEventStorageEngine {

        private final MongoCollection<Document> counters;

        BoundedWindowEngine(MongoEventStorageEngine.Builder builder, MongoDatabase database) {
            super(builder);
            this.counters = database.getCollection(COUNTERS);
        }

        @Override
        protected List<? extends TrackedEventData<?>> fetchTrackedEvents(TrackingToken lastToken, int batchSize) {
            GapAwareTrackingToken token = (GapAwareTrackingToken) lastToken;
            long after = token == null ? 0 : token.getIndex();
            boolean gaps = token != null && !token.getGaps().isEmpty();
            Document counter = counters.find(eq("_id", EVENTS)).first();
            long head = counter == null ? 0 : counter.get("value", Number.class).longValue();
            if (!gaps && after >= head) {
                return List.of();
            }
            int window = (int) Math.max(1, Math.min(batchSize, head - after));
            return super.fetchTrackedEvents(lastToken, window);
        }
    }
}
