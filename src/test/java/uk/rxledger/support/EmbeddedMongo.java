package uk.rxledger.support;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import uk.rxledger.eventstore.EmbeddedMongoServer;

/**
 * One embedded MongoDB (in memory, over TCP) shared by the tests that need storage but not the application: each
 * test takes a freshly dropped database of its own name.
 */
public final class EmbeddedMongo {

    private static final EmbeddedMongoServer SERVER = EmbeddedMongoServer.inMemory();
    private static final MongoClient CLIENT = MongoClients.create(SERVER.connectionString());

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            CLIENT.close();
            SERVER.close();
        }));
    }

    private EmbeddedMongo() {
    }

    /** A client of its own to the shared server that tells {@code listener} of every command it sends; close it. */
    public static MongoClient listenedClient(com.mongodb.event.CommandListener listener) {
        return MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(SERVER.connectionString()))
                .addCommandListener(listener).build());
    }

    public static MongoDatabase freshDatabase(String name) {
        MongoDatabase database = CLIENT.getDatabase(name);
        database.drop();
        return database;
    }
}
