package uk.rxledger.audit;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.bson.Document;
import org.springframework.stereotype.Component;
import uk.rxledger.eventstore.MongoEventStorageEngine;
import uk.rxledger.regimen.PatientEvent;
import uk.rxledger.regimen.PatientProjection;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Patients' streams as stored in the events collection, read by key ({@code streamKey $in}) for auditors: never from
 * a projection, never from a snapshot.
 */
@Component
public class PatientStreams {

    /** Keys per round trip when walking a whole stream (the engine's largest aggregate window). */
    static final int WINDOW = 256;

    private final MongoEventStorageEngine engine;
    private final MongoCollection<Document> patients;

    public PatientStreams(EventStorageEngine engine, MongoDatabase database) {
        if (!(engine instanceof MongoEventStorageEngine mongo)) {
            throw new IllegalStateException("Audit reads need the MongoDB event storage engine, not " + engine.getClass());
        }
        this.engine = mongo;
        this.patients = database.getCollection(PatientProjection.COLLECTION);
    }

    /** The stream's last sequence by O(log n) key lookups; empty when it has no event 0. */
    public Optional<Long> lastSequence(String patientId) {
        return engine.lastSequenceNumberFor(patientId);
    }

    /** Sequences {@code from .. from + count - 1} as stored, missing ones absent (one round trip). */
    public List<Document> window(String patientId, long from, int count) {
        return engine.storedEvents(patientId, from, count);
    }

    /** The stream from its first event up to the first missing sequence, as stored. */
    public List<Document> contiguous(String patientId) {
        return engine.storedEventsFrom(patientId, 0, Integer.MAX_VALUE);
    }

    /**
     * Every stored event of the stream, window by window in sequence order, holes included: the walk ends at the first
     * empty window beyond {@code atLeastTo}, so a deleted event in the middle does not hide the ones after it.
     */
    public void forEachWindow(String patientId, long atLeastTo, Consumer<List<Document>> consumer) {
        for (long from = 0; ; from += WINDOW) {
            List<Document> found = engine.storedEvents(patientId, from, WINDOW);
            if (found.isEmpty() && from > atLeastTo) {
                return;
            }
            if (!found.isEmpty()) {
                consumer.accept(found);
            }
        }
    }

    /** A stored event upcast by the engine's own upcaster chain (the same path the aggregate and processors take). */
    public List<IntermediateEventRepresentation> upcast(Document stored) {
        return engine.upcast(List.of(stored)).toList();
    }

    /** The stored events upcast and deserialised, in order, as the aggregate and the projections see them. */
    public List<PatientEvent> deserialize(List<Document> stored) {
        return engine.upcast(stored)
                     .map(ir -> (PatientEvent) engine.getEventSerializer().deserialize(ir.getData()))
                     .toList();
    }

    /**
     * An independent witness of the stream's length: the sequence the patients read model has applied, or -1. The
     * chain cannot show a deleted last event; this can, once the read model has seen it.
     */
    public long witnessSequence(String patientId) {
        Document view = patients.find(Filters.eq("_id", patientId)).projection(new Document("lastSeq", 1)).first();
        Number seq = view == null ? null : view.get("lastSeq", Number.class);
        return seq == null ? -1 : seq.longValue();
    }

    /** The position a stored document was found under: the number after the last '/' of its stream key. */
    static long position(Document stored) {
        String key = stored.getString("streamKey");
        return Long.parseLong(key.substring(key.lastIndexOf('/') + 1));
    }

    /** {@code uk.rxledger.regimen.MedicineStarted} -> {@code MedicineStarted}. */
    static String simpleName(String payloadType) {
        if (payloadType == null) {
            return "";
        }
        String name = payloadType.substring(payloadType.lastIndexOf('.') + 1);
        return name.substring(name.lastIndexOf('$') + 1);
    }
}
