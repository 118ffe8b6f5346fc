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

    /** For a client of its own, e.g. one that listens to its commands. */
    public static String connectionString() {
        return SERVER.connectionString();
    }

    public static MongoDatabase freshDatabase(String name) {
        MongoDatabase database = CLIENT.getDatabase(name);
        database.drop();
        return database;
    }
}
