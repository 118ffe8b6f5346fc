package uk.rxledger.access;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import uk.rxledger.eventstore.EmbeddedMongoServer;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.graphql.Connection;
import uk.rxledger.support.EmbeddedMongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The access log's storage: every record kept, pages newest first across buckets, cursors, hostile ids. */
class AccessLogTest {

    final AccessLog log = new AccessLog(EmbeddedMongo.freshDatabase("access-log-test"));

    @Test
    void pagesNewestFirstAcrossBuckets() {
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        int total = AccessLog.BUCKET + 57;
        for (int i = 0; i < total; i++) {
            log.record(t0.plusSeconds(i), "u-" + (i % 3), "CLINICIAN", "p-1", "PatientRegimen", "DIRECT_CARE");
        }
        log.record(t0, "u-9", "AUDITOR", "p-2", "AccessLog", "AUDIT");

        List<Long> seen = new ArrayList<>();
        String after = null;
        Connection<AccessLog.Entry> page;
        do {
            page = log.page("p-1", 100, after);
            page.edges().forEach(e -> seen.add(e.node().sequence()));
            after = page.pageInfo().endCursor();
        } while (page.pageInfo().hasNextPage());
        assertThat(seen).hasSize(total).first().isEqualTo((long) total - 1);
        assertThat(seen).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        AccessLog.Entry newest = log.page("p-1", 1, null).edges().get(0).node();
        assertThat(newest.at()).isEqualTo(t0.plusSeconds(total - 1));
        assertThat(newest.operation()).isEqualTo("PatientRegimen");
        assertThat(log.page("p-2", null, null).edges()).hasSize(1);
    }

    /**
     * The commands the driver sends for one record, seen on the wire by a client whose own default is {@code w: 1}
     * (as the embedded default and a URI without {@code w=} are): both writes ask for a journaled majority.
     */
    @Test
    void everyWriteAsksForAJournaledMajority() {
        record Sent(String name, BsonDocument command) {
        }
        List<Sent> sent = new CopyOnWriteArrayList<>();
        CommandListener listener = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                // Copied now: the event's document reads a pooled buffer that the driver reuses after the callback.
                sent.add(new Sent(event.getCommandName(), event.getCommand().clone()));
            }
        };
        try (EmbeddedMongoServer server = EmbeddedMongoServer.inMemory();
             MongoClient client = MongoClients.create(MongoClientSettings.builder()
                     .applyConnectionString(new ConnectionString(server.connectionString() + "/?w=1"))
                     .addCommandListener(listener).build())) {
            AccessLog durable = new AccessLog(client.getDatabase("access-log-durability"));
            sent.clear();
            durable.record(Instant.now(), "u-1", "CLINICIAN", "p-1", "PatientRegimen", "DIRECT_CARE");
            List<Sent> writes = sent.stream()
                    .filter(e -> List.of("findAndModify", "update", "insert").contains(e.name())).toList();
            assertThat(writes).extracting(Sent::name).containsExactly("findAndModify", "update");
            for (Sent write : writes) {
                BsonDocument concern = write.command().getDocument("writeConcern", new BsonDocument());
                assertThat(concern.get("w")).as(write.name() + " " + write.command().toJson())
                                            .isEqualTo(new BsonString("majority"));
                assertThat(concern.get("j")).as(write.name()).isEqualTo(BsonBoolean.TRUE);
            }
            // and the record was stored and reads back
            assertThat(durable.page("p-1", null, null).edges()).hasSize(1);
        }
    }

    @Test
    void hostileIdsAndCursorsAreOnlyValues() {
        for (String id : List.of("{\"$ne\": null}", "$where", "a\u0000b", "é\uD83D\uDE00", "x".repeat(5000))) {
            log.record(Instant.now(), "u-1", "AUDITOR", id, "AccessLog", "AUDIT");
            assertThat(log.page(id, null, null).edges()).as(id).hasSize(1);
        }
        assertThat(log.page("{\"$ne\": null}", null, null).totalCount()).isEqualTo(1);
        assertThat(log.page("nobody", null, null).edges()).isEmpty();
        assertThatThrownBy(() -> log.page("p-1", null, "{\"$gt\": \"\"}")).isInstanceOf(BadRequest.class);
        assertThatThrownBy(() -> log.page("p-1", 101, null)).isInstanceOf(BadRequest.class);
    }
}
