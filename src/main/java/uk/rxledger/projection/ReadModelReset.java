package uk.rxledger.projection;

import com.mongodb.client.MongoCollection;

/** Empties a read model's collections before its replay. */
public final class ReadModelReset {

    private ReadModelReset() {
    }

    /**
     * Drops each collection instead of deleting its documents: mongo-java-server deletes document by document and
     * BSON-encodes each one to keep its size statistics (a quarter of the server's time in a rebuild at 100,000
     * events), and real MongoDB removes and logs each document where a drop is one operation. The first write
     * creates the collection again; secondary indexes must be created again by their owner.
     */
    public static void clear(MongoCollection<?>... collections) {
        for (MongoCollection<?> collection : collections) {
            collection.drop();
        }
    }
}
