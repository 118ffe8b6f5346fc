package uk.rxledger.outcomes;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uk.rxledger.outcomes.DeltaLedger.Mark;
import uk.rxledger.support.EmbeddedMongo;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Exactly-once totals from contributions, through crashes between the contributor and bucket writes. */
class DeltaLedgerTest {

    MongoDatabase db;
    MongoCollection<Document> contributors;
    MongoCollection<Document> buckets;

    @BeforeEach
    void clean() {
        db = EmbeddedMongo.freshDatabase("ledger");
        contributors = db.getCollection("contributors");
        buckets = db.getCollection("buckets");
    }

    DeltaLedger ledger(MongoCollection<Document> bucketCollection) {
        return new DeltaLedger(contributors, bucketCollection, id -> new Document("kind", id.substring(0, 1)));
    }

    /** The buckets as a process sees them that dies before its bucket writes reach the server: reads work, writes vanish. */
    @SuppressWarnings("unchecked")
    MongoCollection<Document> losingWrites() {
        return (MongoCollection<Document>) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{MongoCollection.class}, (proxy, method, args) -> method.getName().equals("bulkWrite")
                        ? null : method.invoke(buckets, args));
    }

    static Mark mark(long index, Long... gaps) {
        return new Mark(index, List.of(gaps));
    }

    static final LocalDate DAY = LocalDate.of(2026, 3, 2);

    /** Contributions computed from state 0 of their source on {@link #DAY}. */
    static Map<String, DeltaLedger.Contribution> batch(Object... idAndContribution) {
        Map<String, DeltaLedger.Contribution> batch = new LinkedHashMap<>();
        for (int i = 0; i < idAndContribution.length; i += 2) {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Long>> c = (Map<String, Map<String, Long>>) idAndContribution[i + 1];
            batch.put((String) idAndContribution[i], new DeltaLedger.Contribution(0, DAY, c));
        }
        return batch;
    }

    long total(String bucket, String field) {
        Document d = buckets.find(new Document("_id", bucket)).first();
        if (d == null) {
            return 0;
        }
        Object value = d.getEmbedded(List.of(field.split("\\.")), Object.class);
        return value == null ? 0 : ((Number) value).longValue();
    }

    @Test
    void totalsAreTheSumsOfTheCurrentContributions() {
        DeltaLedger ledger = ledger(buckets);
        ledger.apply(batch("p1", Map.of("S|A", Map.of("registered", 1L, "rules.X.d", 1L)),
                           "p2", Map.of("S|A", Map.of("registered", 1L), "M|A|2026-03", Map.of("started", 2L))),
                     mark(10));
        ledger.committed(mark(10), Map.of());
        assertThat(total("S|A", "registered")).isEqualTo(2);
        assertThat(total("S|A", "rules.X.d")).isEqualTo(1);
        assertThat(total("M|A|2026-03", "started")).isEqualTo(2);
        assertThat(buckets.find(new Document("_id", "M|A|2026-03")).first().getString("kind")).isEqualTo("M");

        // p1 leaves the rule's denominator and starts a medicine; p2's contribution does not change
        ledger.apply(batch("p1", Map.of("S|A", Map.of("registered", 1L), "M|A|2026-03", Map.of("started", 1L)),
                           "p2", Map.of("S|A", Map.of("registered", 1L), "M|A|2026-03", Map.of("started", 2L))),
                     mark(20));
        assertThat(total("S|A", "registered")).isEqualTo(2);
        assertThat(total("S|A", "rules.X.d")).isZero();
        assertThat(total("M|A|2026-03", "started")).isEqualTo(3);
    }

    @Test
    void bucketWritesLostInACrashAreRedoneOnRedelivery() {
        DeltaLedger before = ledger(buckets);
        before.apply(batch("p1", Map.of("S|A", Map.of("registered", 1L))), mark(10));
        before.committed(mark(10), Map.of());
        // The batch at 20 writes its contributors, then the process dies before the buckets are written.
        ledger(losingWrites()).apply(batch("p1", Map.of("S|A", Map.of("registered", 1L, "smr", 1L)),
                                                     "p2", Map.of("S|A", Map.of("registered", 1L))), mark(20));
        assertThat(total("S|A", "registered")).isEqualTo(1);

        // After a restart the same events come again (the token was not stored); p1's view has moved on meanwhile.
        DeltaLedger restarted = ledger(buckets);
        restarted.apply(batch("p1", Map.of("S|A", Map.of("registered", 1L, "smr", 1L, "tenOrMore", 1L)),
                              "p2", Map.of("S|A", Map.of("registered", 1L))), mark(20));
        assertThat(total("S|A", "registered")).isEqualTo(2);
        assertThat(total("S|A", "smr")).isEqualTo(1);
        assertThat(total("S|A", "tenOrMore")).isEqualTo(1);
    }

    @Test
    void bucketWritesDoneBeforeTheTokenWasStoredAreNotDoneTwice() {
        ledger(buckets).apply(batch("p1", Map.of("S|A", Map.of("registered", 1L)),
                                    "p2", Map.of("S|A", Map.of("registered", 1L))), mark(20));
        // Crash before the processor stored its token: a restarted ledger gets the events again, in a smaller batch.
        DeltaLedger restarted = ledger(buckets);
        restarted.apply(batch("p1", Map.of("S|A", Map.of("registered", 1L))), mark(15));
        restarted.apply(batch("p2", Map.of("S|A", Map.of("registered", 1L))), mark(20));
        assertThat(total("S|A", "registered")).isEqualTo(2);
    }

    @Test
    void aRedoLogIsReplayedOnlyIntoBucketsThatMissedIt() {
        DeltaLedger first = ledger(buckets);
        first.apply(batch("p1", Map.of("S|A", Map.of("registered", 1L)), "p2", Map.of("S|B", Map.of("registered", 1L))),
                    mark(10));
        // p1 moves a count from bucket A to C; only A receives the difference before the crash.
        ledger(buckets).apply(batch("p1", Map.of("S|A", Map.of("registered", 1L, "x", 5L))), mark(20));
        ledger(losingWrites()).apply(batch("p1", Map.of("S|C", Map.of("x", 5L))), mark(30));
        DeltaLedger restarted = ledger(buckets);
        restarted.apply(batch("p1", Map.of("S|C", Map.of("x", 5L))), mark(30));
        assertThat(total("S|A", "registered")).isZero();
        assertThat(total("S|A", "x")).isZero();
        assertThat(total("S|C", "x")).isEqualTo(5);
        assertThat(total("S|B", "registered")).isEqualTo(1);
    }

    @Test
    void aContributorComputedFromTheSameStateOnTheSameDayIsNotStale() {
        DeltaLedger ledger = ledger(buckets);
        ledger.apply(Map.of("p1", new DeltaLedger.Contribution(7, DAY, Map.of("S|A", Map.of("registered", 1L)))),
                     mark(10));
        assertThat(ledger.stale(Map.of("p1", 7L), DAY)).as("batch not committed yet").containsExactly("p1");
        ledger.committed(mark(10), Map.of("p1", new DeltaLedger.Version(7, DAY)));
        assertThat(ledger.stale(Map.of("p1", 7L, "p2", 0L), DAY)).containsExactly("p2");
        assertThat(ledger.stale(Map.of("p1", 5L), DAY)).isEmpty();
        assertThat(ledger.stale(Map.of("p1", 8L), DAY)).containsExactly("p1");
        assertThat(ledger.stale(Map.of("p1", 7L), DAY.plusDays(1))).containsExactly("p1");
        ledger.deleteAll();
        assertThat(ledger.stale(Map.of("p1", 7L), DAY)).as("forgotten in a rebuild").containsExactly("p1");
    }

    @Test
    void marksFollowGapAwareTokens() {
        assertThat(mark(20).covers(mark(10))).isTrue();
        assertThat(mark(10).covers(mark(20))).isFalse();
        // 12 was not yet seen at 20: a batch that later delivers 12 is not covered by it
        assertThat(mark(20, 12L).covers(mark(20))).isFalse();
        assertThat(mark(20).covers(mark(20, 12L))).isTrue();
        assertThat(mark(20, 12L).covers(mark(11))).isTrue();
    }
}
