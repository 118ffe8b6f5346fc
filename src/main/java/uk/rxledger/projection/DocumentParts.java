package uk.rxledger.projection;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.EncoderContext;
import org.bson.io.BasicOutputBuffer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A list inside each document of a {@link DocumentProjection} that is stored as documents of its own, one per element,
 * keyed {@code <document id>/<element key>}; the document lists its elements' keys in {@link ProjectedDocument#parts}
 * (ADR 0014). Elements are added and changed, never removed.
 * <p>
 * Why: an event usually changes one element (a patient's medicine line) or adds one, and a document written whole is
 * rewritten, cloned and re-encoded whole by the server (and copied whole into real MongoDB's oplog) for every batch it
 * appears in. Stored apart, a batch reads only the elements its events need ({@code needs}), writes the small
 * remainder of the document, inserts new elements and replaces only those whose encoding changed.
 * <p>
 * Each element's document carries the {@code lastSeq} its document had when the element was written: elements are
 * written before their document, so after a crash in between an element can be ahead of its document, and the events
 * it already reflects are not applied to it again ({@link DocumentProjection}).
 *
 * @param <T> the documents
 * @param <P> their elements
 */
public final class DocumentParts<T extends ProjectedDocument, P> {

    /** mongo-java-server matches each found key against the whole key list: small round trips are cheaper. */
    static final int CHUNK = 50;
    private static final int DUPLICATE_KEY = 11000;
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
    private static final EncoderContext ENCODING = EncoderContext.builder().build();

    private final MongoCollection<RawBsonDocument> collection;
    private final Codec<P> codec;
    private final Function<T, List<P>> list;
    private final Function<P, String> key;
    private final Function<Object, Collection<String>> needs;

    /**
     * @param list  the document's list of elements, which the document's own codec must ignore ({@code @BsonIgnore})
     * @param key   an element's key, unique within its document and never changed
     * @param needs for an event's payload, the keys of the existing elements its change reads or changes (none: an
     *              empty collection), or null for all of them; a change sees only those
     */
    public DocumentParts(MongoDatabase database, String collectionName, Class<P> type, Function<T, List<P>> list,
                         Function<P, String> key, Function<Object, Collection<String>> needs) {
        this.collection = database.getCollection(collectionName, RawBsonDocument.class);
        this.codec = DocumentProjection.CODECS.get(type);
        this.list = list;
        this.key = key;
        this.needs = needs;
    }

    /** An element as stored: its encoding and the sequence of the document when it was written. */
    record Stored(RawBsonDocument part, long lastSeq) {

        boolean sameAs(RawBsonDocument encoded) {
            return part.getByteBuffer().asNIO().equals(encoded.getByteBuffer().asNIO());
        }
    }

    String name() {
        return collection.getNamespace().getCollectionName();
    }

    static String storedKey(String documentId, String elementKey) {
        return documentId + "/" + elementKey;
    }

    /** The keys of the existing elements the event with {@code payload} needs; null for all. */
    Collection<String> needs(Object payload) {
        return needs.apply(payload);
    }

    /**
     * Reads the elements of {@code documents} that {@code wanted} names (null: all) and are not in {@code stored} yet,
     * by key, and puts them into their lists: the elements in the order their document lists them, then any added
     * since it was stored. Adds each one read to {@code stored}, by stored key, and the keys of those written ahead of
     * their document (a crash between the two writes) to {@code ahead}, by document id, if given.
     */
    void attach(Collection<T> documents, Function<T, Collection<String>> wanted, Map<String, Stored> stored,
                Map<String, List<String>> ahead) {
        Map<T, List<String>> missing = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (T document : documents) {
            if (document.parts == null) {
                continue;
            }
            Collection<String> names = wanted.apply(document);
            for (String k : names == null ? document.parts : names) {
                String storedKey = storedKey(document.id, k);
                if (!stored.containsKey(storedKey) && (names == null || document.parts.contains(k))) {
                    missing.computeIfAbsent(document, d -> new ArrayList<>()).add(k);
                    keys.add(storedKey);
                }
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        Map<String, RawBsonDocument> found = new HashMap<>(keys.size() * 2);
        KeyLookup.forEach(collection, keys, CHUNK, null, raw -> found.put(raw.getString("_id").getValue(), raw));
        missing.forEach((document, names) -> {
            for (String k : names) {
                RawBsonDocument raw = found.get(storedKey(document.id, k));
                if (raw == null) {
                    // Elements are written before the document that lists them: a missing one is damage, not a race.
                    throw new IllegalStateException("Read model " + name() + " lacks element " + k + " of a document");
                }
                Stored element = new Stored((RawBsonDocument) raw.get("part"), raw.getInt64("lastSeq").getValue());
                stored.put(storedKey(document.id, k), element);
                if (ahead != null && element.lastSeq() > document.lastSeq) {
                    ahead.computeIfAbsent(document.id, d -> new ArrayList<>()).add(k);
                }
            }
            arrange(document, stored);
        });
    }

    /** Orders the document's list: its stored elements that were read, as it lists them, then the new ones. */
    private void arrange(T document, Map<String, Stored> stored) {
        List<P> elements = list.apply(document);
        Map<String, P> present = new LinkedHashMap<>();
        elements.forEach(element -> present.put(key.apply(element), element));
        elements.clear();
        for (String k : document.parts) {
            P element = present.remove(k);
            if (element == null) {
                Stored read = stored.get(storedKey(document.id, k));
                element = read == null ? null : read.part().decode(codec);
            }
            if (element != null) {
                elements.add(element);
            }
        }
        elements.addAll(present.values());
    }

    /** Puts back the stored state of the element {@code elementKey} of {@code document} (one that was ahead). */
    void restore(T document, String elementKey, Stored element) {
        List<P> elements = list.apply(document);
        for (int i = 0; i < elements.size(); i++) {
            if (key.apply(elements.get(i)).equals(elementKey)) {
                elements.set(i, element.part().decode(codec));
                return;
            }
        }
    }

    /**
     * Adds the writes of the elements of {@code document} that are new or whose encoding differs from {@code stored}
     * (and records them there as stored), and sets the document's list of keys: those it listed, then the new ones.
     * Elements are encoded in {@code buffer}, reused across calls (a RawBsonDocument encoded on its own takes a fresh
     * 1 KB buffer, zeroed, and a line with its dispensing history outgrows it).
     */
    void collectWrites(T document, Map<String, Stored> stored, List<WriteModel<RawBsonDocument>> writes,
                       BasicOutputBuffer buffer) {
        List<String> keys = document.parts == null ? new ArrayList<>() : new ArrayList<>(document.parts);
        Set<String> listed = new HashSet<>(keys);
        for (P element : list.apply(document)) {
            String elementKey = key.apply(element);
            if (listed.add(elementKey)) {
                keys.add(elementKey);
            }
            String storedKey = storedKey(document.id, elementKey);
            RawBsonDocument encoded = encode(buffer, writer -> codec.encode(writer, element, ENCODING));
            Stored before = stored.get(storedKey);
            if (before != null && before.sameAs(encoded)) {
                continue;
            }
            // The element's bytes are copied into the stored document as they are, not decoded and encoded again.
            RawBsonDocument wrapper = encode(buffer, writer -> {
                writer.writeStartDocument();
                writer.writeString("_id", storedKey);
                writer.writeString("owner", document.id);
                writer.writeInt64("lastSeq", document.lastSeq);
                writer.writeName("part");
                writer.pipe(new BsonBinaryReader(encoded.getByteBuffer().asNIO()));
                writer.writeEndDocument();
            });
            // An element in the list that was not read is new (a listed one is only in the list once read).
            writes.add(before == null ? new InsertOneModel<>(wrapper)
                                      : new ReplaceOneModel<>(Filters.eq("_id", storedKey), wrapper));
            stored.put(storedKey, new Stored(encoded, document.lastSeq));
        }
        document.parts = keys;
    }

    private static RawBsonDocument encode(BasicOutputBuffer buffer, Consumer<BsonBinaryWriter> write) {
        buffer.truncateToPosition(0);
        try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
            write.accept(writer);
        }
        return new RawBsonDocument(buffer.toByteArray());
    }

    /**
     * Writes; a new element that is stored already (written ahead of its document before a crash, when the document
     * did not list it yet) is replaced instead.
     */
    void write(List<WriteModel<RawBsonDocument>> writes) {
        if (writes.isEmpty()) {
            return;
        }
        try {
            collection.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            List<WriteModel<RawBsonDocument>> again = new ArrayList<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCode() != DUPLICATE_KEY
                        || !(writes.get(error.getIndex()) instanceof InsertOneModel<RawBsonDocument> insert)) {
                    throw e;
                }
                RawBsonDocument document = insert.getDocument();
                again.add(new ReplaceOneModel<>(Filters.eq("_id", document.get("_id")), document, UPSERT));
            }
            collection.bulkWrite(again);
        }
    }

    void deleteAll() {
        ReadModelReset.clear(collection);
    }
}
