package uk.rxledger.eventstore;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.mongo.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One MongoClient for events, tokens, dead letters and read models. With {@code spring.data.mongodb.uri} (or
 * {@code MONGODB_URI}) set it connects there; otherwise it starts the embedded server and connects to that.
 */
@Configuration(proxyBeanMethods = false)
public class MongoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MongoConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("'${spring.data.mongodb.uri:}'.isEmpty()")
    EmbeddedMongoServer embeddedMongoServer(
            @Value("${rxledger.embedded-mongo.backend:H2}") EmbeddedMongoServer.Backend backend,
            @Value("${rxledger.embedded-mongo.file:data/rxledger.mv}") Path file,
            @Value("${rxledger.embedded-mongo.port:0}") int port) {
        EmbeddedMongoServer server = EmbeddedMongoServer.start(backend, file, port);
        log.info("No MongoDB URI configured: embedded MongoDB ({}) listening on 127.0.0.1:{}", backend, server.port());
        return server;
    }

    @Bean(destroyMethod = "close")
    MongoClient mongoClient(@Value("${spring.data.mongodb.uri:}") String uri,
                            Optional<EmbeddedMongoServer> embedded,
                            ObjectProvider<MongoClientSettingsBuilderCustomizer> customizers) {
        String connection = StringUtils.hasText(uri) ? uri : embedded.orElseThrow().connectionString();
        MongoClientSettings.Builder settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(connection));
        // Boot's customizers add the Micrometer command and connection-pool listeners.
        customizers.orderedStream().forEach(c -> c.customize(settings));
        return MongoClients.create(settings.build());
    }

    @Bean
    MongoDatabase mongoDatabase(MongoClient client, @Value("${spring.data.mongodb.uri:}") String uri,
                                @Value("${spring.data.mongodb.database:rxledger}") String defaultDatabase) {
        String fromUri = StringUtils.hasText(uri) ? new ConnectionString(uri).getDatabase() : null;
        return client.getDatabase(fromUri != null ? fromUri : defaultDatabase);
    }
}
