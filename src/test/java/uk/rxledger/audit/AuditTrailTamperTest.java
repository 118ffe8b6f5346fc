package uk.rxledger.audit;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import uk.rxledger.ClockConfiguration;
import uk.rxledger.audit.AuditTrailVerifier.Verification;
import uk.rxledger.eventstore.EventHashChain;
import uk.rxledger.eventstore.MongoEventStorageEngine;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.RegimenCommands;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.Sex;

import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tampering with stored events directly through the driver, as someone with database access could, and what
 * {@code verifyAuditTrail} makes of it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditTrailTamperTest {

    static final LocalDate TODAY = LocalDate.now(ClockConfiguration.ZONE);

    @Autowired
    CommandGateway commands;
    @Autowired
    MongoDatabase database;
    @Autowired
    AuditTrailVerifier verifier;
    @Autowired
    PatientStreams streams;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    EventStore eventStore;

    MongoCollection<Document> events;
    String patientId;
    long last;
    List<Document> untouched;

    /** A patient with a stream of at least eight events (0 registered, 1 started, 2.. dispensings), settled. */
    @BeforeEach
    void aStoredStream() {
        events = database.getCollection(MongoEventStorageEngine.EVENTS);
        patientId = "tamper-" + UUID.randomUUID();
        commands.sendAndWait(new RegimenCommands.RegisterPatient(patientId, "A81001", "U12345",
                                                                 LocalDate.of(1990, 4, 2), Sex.MALE, false,
                                                                 Frailty.NONE));
        Recorded line = commands.sendAndWait(new RegimenCommands.StartMedicine(
                patientId, "0103050P0AAAAAA", 1, 1, TODAY.minusDays(60), "dyspepsia", null));
        for (int i = 0; i < 6; i++) {
            commands.sendAndWait(new RegimenCommands.RecordDispensing(patientId, line.lineId(), 7,
                                                                      TODAY.minusDays(60 - 7L * i)));
        }
        new Settling(processing, eventStore, streams).settle(patientId);
        last = streams.lastSequence(patientId).orElseThrow();
        assertThat(last).isGreaterThanOrEqualTo(7);
        untouched = events.find(Filters.eq("aggregateId", patientId)).into(new java.util.ArrayList<>());
    }

    /** Puts the stream back as it was: the store is shared with other tests, and replays must not meet tampering. */
    @AfterEach
    void restore() {
        events.deleteMany(Filters.eq("aggregateId", patientId));
        events.insertMany(untouched);
        assertThat(verifier.verify(patientId).orElseThrow().valid()).isTrue();
    }

    @Test
    void anUntouchedStreamVerifies() {
        Verification verification = verifier.verify(patientId).orElseThrow();
        assertThat(verification.valid()).isTrue();
        assertThat(verification.eventCount()).isEqualTo(last + 1);
        assertThat(verification.headHash()).isEqualTo(stored(last).getString("hash"));
        assertThat(verification.firstInvalidSequence()).isNull();
        assertThat(verification.problem()).isNull();
    }

    @Test
    void aChangedPayloadFieldBreaksTheChainAtThatEvent() {
        String payload = stored(3).getString("payload");
        assertThat(payload).contains("\"quantity\":7.0");
        update(3, Updates.set("payload", payload.replace("\"quantity\":7.0", "\"quantity\":70.0")));
        assertInvalidAt(3);
    }

    @Test
    void changedMetadataBreaksTheChainAtThatEvent() {
        String metaData = stored(2).getString("metaData");
        update(2, Updates.set("metaData", metaData.replace("}", ",\"actor\":\"someone-else\"}")));
        assertInvalidAt(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"timestamp", "recordedAt", "payloadType", "payloadRevision", "eventId", "aggregateType"})
    void anyOtherChangedFieldBreaksTheChainAtThatEvent(String field) {
        Object value = stored(4).get(field);
        Object changed = value instanceof Date date ? new Date(date.getTime() + 1) : value + "x";
        update(4, Updates.set(field, changed));
        assertInvalidAt(4);
    }

    @Test
    void aChangedEventWhoseHashIsRecomputedBreaksTheChainAtTheNextEvent() {
        Document third = stored(3);
        third.put("payload", third.getString("payload").replace("\"quantity\":7.0", "\"quantity\":70.0"));
        update(3, Updates.combine(Updates.set("payload", third.getString("payload")),
                                  Updates.set("hash", EventHashChain.hashOf(third.getString("previousHash"), third))));
        assertInvalidAt(4);
    }

    @Test
    void aDeletedEventInTheMiddleBreaksTheChainWhereItIsMissing() {
        events.deleteOne(key(3));
        assertInvalidAt(3);
        assertThat(verifier.verify(patientId).orElseThrow().eventCount()).isEqualTo(last);
    }

    @Test
    void aDeletedFirstEventBreaksTheChainAtZero() {
        events.deleteOne(key(0));
        assertInvalidAt(0);
    }

    @Test
    void aDeletedLastEventIsCaughtByTheReadModelAsWitness() {
        events.deleteOne(key(last));
        assertInvalidAt(last);
        assertThat(verifier.verify(patientId).orElseThrow().problem()).contains("read model");
    }

    @Test
    void twoEventsWithSwappedContentsBreakTheChainAtTheFirstOfThem() {
        Document second = stored(2);
        Document third = stored(3);
        update(2, Updates.set("eventId", "moving-2")); // eventId is unique too
        update(3, Updates.set("eventId", "moving-3"));
        replaceContent(2, third);
        replaceContent(3, second);
        assertInvalidAt(2);
    }

    @Test
    void twoEventsWithSwappedPositionsBreakTheChainAtTheFirstOfThem() {
        // streamKey is unique: move one document out of the way first.
        update(2, Updates.set("streamKey", "moving"));
        events.updateOne(key(3), Updates.combine(Updates.set("streamKey", streamKey(2)), Updates.set("seq", 2L)));
        events.updateOne(Filters.eq("streamKey", "moving"),
                         Updates.combine(Updates.set("streamKey", streamKey(3)), Updates.set("seq", 3L)));
        assertInvalidAt(2);
    }

    /**
     * The limit of a chain kept beside the data it protects (ADR 0008): someone who rewrites an event and every hash
     * after it leaves a chain that verifies. Only a head hash kept elsewhere (anchored) shows the rewrite.
     */
    @Test
    void aWholeRewrittenChainVerifiesButNoLongerMatchesAnAnchoredHeadHash() {
        String anchored = verifier.verify(patientId).orElseThrow().headHash();
        String previous = stored(2).getString("hash");
        for (long s = 3; s <= last; s++) {
            Document event = stored(s);
            if (s == 3) {
                event.put("payload", event.getString("payload").replace("\"quantity\":7.0", "\"quantity\":70.0"));
            }
            event.put("previousHash", previous);
            event.put("hash", EventHashChain.hashOf(previous, event));
            events.replaceOne(key(s), event);
            previous = event.getString("hash");
        }
        Verification verification = verifier.verify(patientId).orElseThrow();
        assertThat(verification.valid()).isTrue();
        assertThat(verification.headHash()).isNotEqualTo(anchored);
    }

    @Test
    void anUnknownPatientHasNoTrailToVerify() {
        assertThat(verifier.verify("nobody-" + UUID.randomUUID())).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private void assertInvalidAt(long sequence) {
        Verification verification = verifier.verify(patientId).orElseThrow();
        assertThat(verification.valid()).as(verification.toString()).isFalse();
        assertThat(verification.firstInvalidSequence()).as(verification.toString()).isEqualTo(sequence);
        assertThat(verification.problem()).isNotBlank();
    }

    /** Puts another event's content (everything but its key, position and global index) at a position. */
    private void replaceContent(long sequence, Document from) {
        Document content = new Document(from);
        content.remove("_id");
        content.remove("streamKey");
        content.remove("seq");
        update(sequence, new Document("$set", content));
    }

    private Document stored(long sequence) {
        return events.find(key(sequence)).first();
    }

    private void update(long sequence, Bson update) {
        assertThat(events.updateOne(key(sequence), update).getModifiedCount()).isEqualTo(1);
    }

    private Bson key(long sequence) {
        return Filters.eq("streamKey", streamKey(sequence));
    }

    private String streamKey(long sequence) {
        return MongoEventStorageEngine.streamKey(patientId, sequence);
    }
}
