package uk.rxledger.governance;

import com.mongodb.event.CommandEvent;
import com.mongodb.event.CommandStartedEvent;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.mongodb.DefaultMongoCommandTagsProvider;
import io.micrometer.core.instrument.binder.mongodb.DefaultMongoConnectionPoolTagsProvider;
import io.micrometer.core.instrument.binder.mongodb.MongoCommandTagsProvider;
import io.micrometer.core.instrument.binder.mongodb.MongoConnectionPoolTagsProvider;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.util.List;
import java.util.stream.StreamSupport;

/** The governance metrics processor and the shape of the MongoDB driver's metrics. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class GovernanceConfiguration {

    /**
     * The metrics processor starts at the head of the stream the first time it runs (afterwards from its stored
     * token): counters measure activity from then on rather than pouring years of history into one scrape.
     */
    @Bean
    ConfigurerModule governanceMetricsProcessor() {
        return configurer -> configurer.eventProcessing().registerPooledStreamingEventProcessorConfiguration(
                GovernanceMetrics.PROCESSING_GROUP,
                (c, builder) -> builder.initialToken(StreamableMessageSource::createHeadToken));
    }

    /**
     * The driver's command metrics without {@code cluster_id} (a new random id at every start, so a new set of series
     * per restart) and {@code database} (there is one): command, collection, server and status remain.
     */
    @Bean
    MongoCommandTagsProvider mongoCommandTags() {
        DefaultMongoCommandTagsProvider delegate = new DefaultMongoCommandTagsProvider();
        return new MongoCommandTagsProvider() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                delegate.commandStarted(event);
            }

            @Override
            public Iterable<Tag> commandTags(CommandEvent event) {
                return withoutVolatileTags(delegate.commandTags(event));
            }
        };
    }

    @Bean
    MongoConnectionPoolTagsProvider mongoConnectionPoolTags() {
        DefaultMongoConnectionPoolTagsProvider delegate = new DefaultMongoConnectionPoolTagsProvider();
        return event -> withoutVolatileTags(delegate.connectionPoolTags(event));
    }

    private static List<Tag> withoutVolatileTags(Iterable<Tag> tags) {
        return StreamSupport.stream(tags.spliterator(), false)
                            .filter(t -> !t.getKey().equals("cluster.id") && !t.getKey().equals("database"))
                            .toList();
    }
}
