package uk.rxledger.eventstore;

import java.time.Duration;

/**
 * Axon's contract suite again, with global indexes handed out from blocks (the embedded default, ADR 0013).
 */
class MongoEventStorageEngineBlocksContractTest extends MongoEventStorageEngineContractTest {

    @Override
    protected MongoEventStorageEngine.Builder customize(MongoEventStorageEngine.Builder builder) {
        return builder.indexBlocks(64, Duration.ofSeconds(10));
    }
}
