package uk.rxledger.projection;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.bson.RawBsonDocument;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.codecs.pojo.PojoCodecProvider;
import org.bson.io.BasicOutputBuffer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static com.mongodb.MongoClientSettings.getDefaultCodecRegistry;

/**
 * A collection of {@link ProjectedDocument}s, one per aggregate, written by event handlers.
 * <p>
 * Within an event processor's batch, documents are loaded once (all aggregates of the batch in one {@code $in} on
 * {@code _id}), changed in memory and written back in one bulk write when {@link ProjectionBatchInterceptor} sees the
 * batch's last event: before the processor stores its token. Outside a batch each change is written at once. A list in
 * the documents can be stored apart, one document per element ({@link DocumentParts}, ADR 0014).
 */
public final class DocumentProjection<T extends ProjectedDocument> {

    public static final CodecRegistry CODECS = CodecRegistries.fromRegistries(
            getDefaultCodecRegistry(),
            CodecRegistries.fromProviders(PojoCodecProvider.builder().automatic(true).build()));

    private final MongoCollection<T> collection;
    private final ProjectionProgress progress;
    private final String resourceKey;
    /** Null: documents are stored whole. */
    private final DocumentParts<T, ?> parts;

    public DocumentProjection(MongoDatabase database, String collectionName, Class<T> type,
                              ProjectionProgress progress) {
        this(database, collectionName, type, progress, null);
    }

    public DocumentProjection(MongoDatabase database, String collectionName, Class<T> type,
                              ProjectionProgress progress, DocumentParts<T, ?> parts) {
        this.collection = database.getCollection(collectionName, type).withCodecRegistry(CODECS);
        this.progress = progress;
        this.resourceKey = DocumentProjection.class.getName() + "/" + collectionName;
        this.parts = parts;
    }

    public String name() {
        return collection.getNamespace().getCollectionName();
    }

    public MongoCollection<T> collection() {
        return collection;
    }

    /** The document, with its parts: one key lookup, and one more for its parts. */
    public Optional<T> find(String id) {
        T document = collection.find(Filters.eq("_id", id)).first();
        if (document != null && parts != null) {
            parts.attach(List.of(document), d -> null, new HashMap<>(), null);
        }
        return Optional.ofNullable(document);
    }

    /** Several documents by key ({@code _id $in}, {@link KeyLookup}), with their parts; absent ones are left out. */
    public List<T> findAll(Collection<String> ids) {
        List<T> documents = KeyLookup.findAll(collection, ids, null);
        if (parts != null) {
            parts.attach(documents, d -> null, new HashMap<>(), null);
        }
        return documents;
    }

    public long lastSequence(String id) {
        org.bson.Document doc = collection.withDocumentClass(org.bson.Document.class)
                                          .find(Filters.eq("_id", id))
                                          .projection(new org.bson.Document("lastSeq", 1)).first();
        return doc == null ? -1 : doc.get("lastSeq", Number.class).longValue();
    }

    /** Creates the document for an aggregate's first event, unless that event was applied before. */
    public void create(String id, long sequence, Supplier<T> factory) {
        apply(id, sequence, existing -> {
            T created = factory.get();
            created.id = id;
            return created;
        });
    }

    /** Applies a change for the event at {@code sequence}; events already applied, or for no document, are skipped. */
    public void update(String id, long sequence, Consumer<T> change) {
        apply(id, sequence, existing -> {
            if (existing != null) {
                change.accept(existing);
            }
            return existing;
        });
    }

    private void apply(String id, long sequence, java.util.function.UnaryOperator<T> change) {
        Batch batch = currentBatch();
        T document = batch.load(id);
        if (document != null && document.lastSeq >= sequence) {
            return;
        }
        batch.readParts(document);
        T changed = change.apply(document);
        if (changed == null) {
            return;
        }
        batch.keepPartsAhead(changed, sequence);
        changed.lastSeq = sequence;
        batch.put(id, changed);
        if (batch.immediate) {
            batch.flush();
        }
    }

    /** Drops every document (before a replay rebuilds them). */
    public void deleteAll() {
        ReadModelReset.clear(collection);
        if (parts != null) {
            parts.deleteAll();
        }
    }

    private Batch currentBatch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return new Batch(true, null);
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        Batch batch = root.getResource(resourceKey);
        if (batch == null) {
            Batch created = new Batch(false, root);
            root.resources().put(resourceKey, created);
            ProjectionBatchInterceptor.register(root, created::flush);
            // Fallback should no interceptor flush it (e.g. a subscribing processor): late, but not lost.
            root.onPrepareCommit(u -> created.flush());
            batch = created;
        }
        return batch;
    }

    private final class Batch {
        private final boolean immediate;
        private final UnitOfWork<?> unitOfWork;
        private final Map<String, T> loaded = new HashMap<>();
        private final Set<String> dirty = new LinkedHashSet<>();
        /** Loaded and not found: written with an insert. */
        private final Set<String> absent = new HashSet<>();
        /** The parts of the loaded documents as stored, by stored key. */
        private final Map<String, DocumentParts.Stored> storedParts = new HashMap<>();
        /** Keys of the parts read that were written ahead of their document, by document id (rare: after a crash). */
        private final Map<String, List<String>> partsAhead = new HashMap<>();
        private boolean prefetched;

        private Batch(boolean immediate, UnitOfWork<?> unitOfWork) {
            this.immediate = immediate;
            this.unitOfWork = unitOfWork;
        }

        T load(String id) {
            if (!prefetched && unitOfWork instanceof BatchingUnitOfWork<?> batching) {
                prefetched = true;
                prefetch(batching.getMessages());
            }
            if (!loaded.containsKey(id)) {
                T found = collection.find(Filters.eq("_id", id)).first();
                loaded.put(id, found);
                if (found == null) {
                    absent.add(id);
                }
            }
            return loaded.get(id);
        }

        /** Reads the parts of the document that the event being handled needs, unless read already. */
        void readParts(T document) {
            if (parts == null || document == null) {
                return;
            }
            Collection<String> needed = null; // outside an event's unit of work: all of them
            if (CurrentUnitOfWork.isStarted()
                    && CurrentUnitOfWork.get().getMessage() instanceof EventMessage<?> e) {
                needed = parts.needs(e.getPayload());
            }
            Collection<String> wanted = needed;
            parts.attach(List.of(document), d -> wanted, storedParts, partsAhead);
        }

        /**
         * A part written ahead of its document (a crash between the two writes) already reflects the events up to its
         * own {@code lastSeq}: after such an event is applied to the document, the part is put back as stored.
         */
        void keepPartsAhead(T document, long sequence) {
            if (parts == null || !partsAhead.containsKey(document.id)) {
                return;
            }
            for (String key : partsAhead.get(document.id)) {
                DocumentParts.Stored stored = storedParts.get(DocumentParts.storedKey(document.id, key));
                if (stored != null && stored.lastSeq() >= sequence) {
                    parts.restore(document, key, stored);
                }
            }
        }

        private void prefetch(List<? extends Message<?>> messages) {
            Set<String> ids = new LinkedHashSet<>();
            // The parts each aggregate's events in the batch need; null: all of them.
            Map<String, Set<String>> needed = new HashMap<>();
            for (Message<?> message : messages) {
                if (message instanceof DomainEventMessage<?> event && event.getAggregateIdentifier() != null) {
                    String id = event.getAggregateIdentifier();
                    if (ids.add(id) && parts != null) {
                        needed.put(id, new HashSet<>());
                    }
                    if (parts != null && needed.get(id) != null) {
                        Collection<String> keys = parts.needs(event.getPayload());
                        if (keys == null) {
                            needed.put(id, null);
                        } else {
                            needed.get(id).addAll(keys);
                        }
                    }
                }
            }
            if (ids.size() > 1) {
                ids.forEach(id -> loaded.put(id, null));
                absent.addAll(ids);
                List<T> found = new ArrayList<>(ids.size());
                KeyLookup.forEach(collection, ids, null, document -> {
                    loaded.put(document.id, document);
                    absent.remove(document.id);
                    found.add(document);
                });
                if (parts != null) {
                    parts.attach(found, d -> needed.get(d.id), storedParts, partsAhead);
                }
            }
        }

        void put(String id, T document) {
            loaded.put(id, document);
            dirty.add(id);
        }

        void flush() {
            if (dirty.isEmpty()) {
                return;
            }
            List<WriteModel<T>> writes = new ArrayList<>(dirty.size());
            List<WriteModel<RawBsonDocument>> partWrites = new ArrayList<>();
            Map<String, Long> sequences = new HashMap<>();
            // Every element of this flush is encoded in one buffer (DocumentParts.collectWrites says why).
            BasicOutputBuffer buffer = parts == null ? null : new BasicOutputBuffer(4096);
            for (String id : dirty) {
                T document = loaded.get(id);
                if (parts != null) {
                    parts.collectWrites(document, storedParts, partWrites, buffer);
                }
                // A document that was not there when the batch loaded it is inserted: cheaper than an upsert, and
                // should another writer have created it meanwhile, the duplicate key fails the batch, which is retried.
                writes.add(absent.contains(id) ? new InsertOneModel<>(document)
                        : new ReplaceOneModel<>(Filters.eq("_id", id), document, new ReplaceOptions().upsert(true)));
                sequences.put(id, document.lastSeq);
            }
            absent.removeAll(dirty);
            if (parts != null) {
                // Parts first: a document never lists a part that is not stored.
                parts.write(partWrites);
            }
            collection.bulkWrite(writes);
            dirty.clear();
            sequences.forEach((id, seq) -> progress.advanced(name(), id, seq));
        }
    }
}
