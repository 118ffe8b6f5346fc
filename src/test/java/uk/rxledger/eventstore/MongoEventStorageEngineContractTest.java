package uk.rxledger.eventstore;

import com.mongodb.client.MongoDatabase;
import org.axonframework.eventsourcing.eventstore.BatchingEventStorageEngineTest;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.BeforeEach;
import uk.rxledger.support.EmbeddedMongo;

import java.util.function.UnaryOperator;

/**
 * Axon's own storage-engine contract suite, run against our engine on the embedded server over TCP.
 */
class MongoEventStorageEngineContractTest
        extends BatchingEventStorageEngineTest<MongoEventStorageEngine, MongoEventStorageEngine.Builder> {

    private MongoDatabase database;

    @BeforeEach
    void setUp() {
        database = EmbeddedMongo.freshDatabase("contract");
        setTestSubject(createEngine(b -> b));
    }

    @Override
    protected MongoEventStorageEngine createEngine(UnaryOperator<MongoEventStorageEngine.Builder> customization) {
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        MongoEventStorageEngine.Builder builder = MongoEventStorageEngine.builder()
                .database(database)
                .eventSerializer(serializer)
                .snapshotSerializer(serializer);
        return customization.apply(customize(builder)).build();
    }

    /** The engine's settings under test beyond the defaults. */
    protected MongoEventStorageEngine.Builder customize(MongoEventStorageEngine.Builder builder) {
        return builder;
    }
}
