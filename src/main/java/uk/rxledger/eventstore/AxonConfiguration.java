package uk.rxledger.eventstore;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.mongodb.client.MongoDatabase;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.IntervalRetryScheduler;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.NoCache;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventhandling.EventBusSpanFactory;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.scheduling.annotation.EnableScheduling;
import uk.rxledger.projection.ProjectionBatchInterceptor;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Axon on MongoDB: our storage engine for events and snapshots, axon-mongo's token store, Jackson everywhere
 * (no XStream), pooled streaming processors whose read-model writes are flushed before their tokens.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling // the SegmentBalancer's rounds
public class AxonConfiguration {

    /** Jackson for events, messages and tokens: JSON that auditors can read, no XStream. */
    static ObjectMapper messageMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @Bean
    @Primary
    Serializer serializer() {
        return TypeCachingJacksonSerializer.using(messageMapper());
    }

    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer() {
        return TypeCachingJacksonSerializer.using(messageMapper());
    }

    @Bean
    @Qualifier("messageSerializer")
    Serializer messageSerializer() {
        return TypeCachingJacksonSerializer.using(messageMapper());
    }

    /** Snapshots capture an aggregate's private fields, which need field access rather than getters. */
    static Serializer snapshotSerializer() {
        ObjectMapper mapper = messageMapper()
                .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        return TypeCachingJacksonSerializer.using(mapper);
    }

    /**
     * Global indexes in blocks of {@code rxledger.eventstore.index-block-size}: 64 by default on the embedded server
     * (one process by construction), 1 (per commit) on a configured MongoDB, where instances may scale out (ADR 0013).
     */
    @Bean(destroyMethod = "close")
    MongoEventStorageEngine eventStorageEngine(MongoDatabase database,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          org.axonframework.config.Configuration configuration,
                                          Clock clock,
                                          Optional<EmbeddedMongoServer> embedded,
                                          @Value("${rxledger.eventstore.batch-size:500}") int batchSize,
                                          @Value("${rxledger.eventstore.index-block-size:#{null}}") Integer blockSize,
                                          @Value("${rxledger.eventstore.index-block-lease-ms:10000}") long blockLease) {
        int blocks = blockSize != null ? blockSize : embedded.isPresent() ? 64 : 1;
        return MongoEventStorageEngine.builder()
                .indexBlocks(blocks, Duration.ofMillis(blockLease))
                .database(database)
                .eventSerializer(eventSerializer)
                .snapshotSerializer(snapshotSerializer())
                .upcasterChain(configuration.upcasterChain())
                .batchSize(batchSize)
                .clock(clock)
                .build();
    }

    /**
     * This instance's name as an owner of processor segments. Axon's default (the JVM's pid@host) is the same for two
     * application contexts in one JVM, and for two containers that both run as pid 1 on a reused host name; two
     * instances with one name would both process the same segments (ADR 0010).
     */
    @Bean
    NodeIdentity nodeIdentity(@Value("${rxledger.node-id:}") String configured) {
        return NodeIdentity.of(configured);
    }

    @Bean
    TokenStore tokenStore(MongoDatabase database, Serializer serializer, NodeIdentity node,
                          @Value("${rxledger.processors.claim-timeout-ms:10000}") long claimTimeout) {
        return MongoTokenStore.builder()
                .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(database).build())
                .serializer(serializer)
                .nodeId(node.id())
                .claimTimeout(Duration.ofMillis(claimTimeout))
                .build();
    }

    /** Actor, role, reason and correlation id flow from each command to the events it causes. */
    @Bean
    CorrelationDataProvider auditMetadata() {
        return new SimpleCorrelationDataProvider(EventMetadata.KEYS);
    }

    /**
     * Patient aggregates cached between commands. Only safe while one instance handles all commands: another
     * instance's cached copy goes stale without knowing, and a command checked against it can be rejected wrongly
     * (e.g. LINE_NOT_FOUND for a line opened through the other instance) before any concurrency check. Off whenever
     * several instances share a store (the prod profile; ADR 0010).
     */
    @Bean
    Cache patientCache(@Value("${rxledger.aggregate-cache.enabled:true}") boolean enabled,
                       @Value("${rxledger.aggregate-cache.size:10000}") int size) {
        return enabled ? new BoundedCache(size) : NoCache.INSTANCE;
    }

    @Bean
    SnapshotTriggerDefinition patientSnapshotTrigger(Snapshotter snapshotter,
                                                     @Value("${rxledger.snapshot.threshold:100}") int threshold) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, threshold);
    }

    /** How a command names its patient: Axon's annotations, looked up once per command class. */
    @Bean
    CommandTargetResolver commandTargetResolver() {
        return new CachingCommandTargetResolver();
    }

    /** Retries a command that lost an optimistic-concurrency race with another instance (stale cached aggregate). */
    @Bean(destroyMethod = "shutdown")
    ScheduledExecutorService commandRetryExecutor() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "command-retry");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    CommandGateway commandGateway(CommandBus commandBus, ScheduledExecutorService commandRetryExecutor) {
        return DefaultCommandGateway.builder()
                .commandBus(commandBus)
                .retryScheduler(IntervalRetryScheduler.builder()
                                        .retryExecutor(commandRetryExecutor)
                                        .retryInterval(20)
                                        .maxRetryCount(3)
                                        // Only a lost race is worth retrying; rejections and duplicates are final.
                                        // Axon tests every cause too: our ConcurrencyException wraps the driver's
                                        // duplicate-key error, which must count as part of the same lost race.
                                        .nonTransientFailurePredicate(f -> !(f instanceof ConcurrencyException
                                                || f instanceof Exception e && MongoEventStorageEngine.isDuplicateKey(e)))
                                        .build())
                .build();
    }

    /**
     * The embedded event store; a short fetch delay bounds how late events appended by another instance are seen
     * (local appends wake it at once, or at most once per wake-up interval while they keep coming).
     */
    @Bean
    EmbeddedEventStore eventStore(EventStorageEngine storageEngine, org.axonframework.config.Configuration configuration,
                                  @Value("${rxledger.eventstore.fetch-delay-ms:250}") long fetchDelay,
                                  @Value("${rxledger.eventstore.wakeup-interval-ms:5}") long wakeUpInterval) {
        return new CoalescingEventStore(EmbeddedEventStore.builder()
                                                .storageEngine(storageEngine)
                                                .messageMonitor(configuration.messageMonitor(EventStore.class, "eventStore"))
                                                .spanFactory(configuration.getComponent(EventBusSpanFactory.class))
                                                .fetchDelay(fetchDelay),
                                        Duration.ofMillis(wakeUpInterval));
    }

    /**
     * Pooled streaming processors. Segments: 1 by default on the embedded server (one process by construction, where
     * more segments only split each tick's events into more, smaller batches of writes), 4 on a configured MongoDB,
     * where instances share them (ADR 0010). Only a processor without tokens takes the count; stored ones keep theirs.
     */
    @Bean
    ConfigurerModule eventProcessingDefaults(
            Optional<EmbeddedMongoServer> embedded,
            @Value("${rxledger.processors.batch-size:500}") int batchSize,
            @Value("${rxledger.processors.segments:#{null}}") Integer configuredSegments,
            @Value("${rxledger.processors.wakeup-ms:20}") long wakeup,
            @Value("${rxledger.processors.token-claim-interval-ms:5000}") long tokenClaimInterval) {
        int segments = configuredSegments != null ? configuredSegments : embedded.isPresent() ? 1 : 4;
        // Built from Axon's configuration rather than injected: the event store itself depends on that configuration.
        AtomicReference<WakingMessageSource> source = new AtomicReference<>();
        return configurer -> {
            configurer.onShutdown(() -> Optional.ofNullable(source.get()).ifPresent(WakingMessageSource::close));
            configurer.eventProcessing()
                .usingPooledStreamingEventProcessors((config, builder) -> builder
                        .messageSource(source.updateAndGet(existing -> existing != null ? existing
                                : new WakingMessageSource(config.eventStore(), Duration.ofMillis(wakeup))))
                        .batchSize(batchSize)
                        .initialSegmentCount(segments)
                        // How often a coordinator looks for unclaimed segments, e.g. ones another instance released.
                        .tokenClaimInterval(tokenClaimInterval))
                .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance())
                .registerDefaultHandlerInterceptor((c, name) -> new ProjectionBatchInterceptor());
        };
    }
}
