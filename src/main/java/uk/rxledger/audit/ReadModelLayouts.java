package uk.rxledger.audit;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import uk.rxledger.projection.ReadModelLayout;

import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds, once the service is up, every read model whose documents were written in another layout than its code
 * writes ({@link ReadModelLayout}); records each layout in {@code read-model-layouts}.
 * <p>
 * A read model without a record is new if it has no documents when this bean is created (before the processors start),
 * and in layout 1 otherwise (written before layouts were recorded). Of several instances started at once, one records
 * the new layout and rebuilds; a rebuild needs the processor stopped on the others (ADR 0008), so when it is refused
 * the old layout is recorded again and the log says what to do. Upgrade a layout with one instance running.
 */
@Component
public class ReadModelLayouts {

    public static final String COLLECTION = "read-model-layouts";
    private static final Logger log = LoggerFactory.getLogger(ReadModelLayouts.class);

    private final MongoCollection<Document> layouts;
    private final List<ReadModelLayout> readModels;
    private final ReadModelRebuilds rebuilds;

    public ReadModelLayouts(MongoDatabase database, List<ReadModelLayout> readModels, ReadModelRebuilds rebuilds) {
        this.layouts = database.getCollection(COLLECTION);
        this.readModels = readModels;
        this.rebuilds = rebuilds;
        // Before any processor or start-up job writes: a read model with no documents and no record is new.
        for (ReadModelLayout readModel : readModels) {
            if (layouts.find(Filters.eq("_id", readModel.readModel())).first() == null
                    && database.getCollection(readModel.collection()).find().limit(1).first() == null) {
                claim(readModel.readModel(), readModel.layout());
            }
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void started() {
        check(); // void: a listener's return value would be published as events
    }

    /** Rebuilds the read models whose stored layout differs from their code's; returns their names. */
    public List<String> check() {
        List<String> rebuilt = new ArrayList<>();
        for (ReadModelLayout readModel : readModels) {
            String name = readModel.readModel();
            Document recorded = layouts.find(Filters.eq("_id", name)).first();
            int stored = recorded == null ? 1 : recorded.getInteger("layout");
            if (stored == readModel.layout()) {
                continue;
            }
            if (claim(name, readModel.layout())) {
                log.info("Read model {} is stored in layout {}, its code writes layout {}: rebuilding it", name,
                         stored, readModel.layout());
                try {
                    rebuilds.rebuild(name);
                    rebuilt.add(name);
                } catch (RuntimeException e) {
                    // e.g. another instance still claims segments: only an operator can stop it (ADR 0014)
                    layouts.updateOne(Filters.eq("_id", name), Updates.set("layout", stored));
                    log.error("Read model {} is stored in layout {} and could not be rebuilt for layout {} ({}): stop "
                              + "the other instances, then rebuild it (rebuildReadModel)", name, stored,
                              readModel.layout(), e.getMessage());
                }
            }
        }
        return rebuilt;
    }

    /** Records the layout; false when it was recorded already (by another instance). */
    private boolean claim(String name, int layout) {
        try {
            var result = layouts.updateOne(Filters.and(Filters.eq("_id", name), Filters.ne("layout", layout)),
                                           Updates.set("layout", layout), new UpdateOptions().upsert(true));
            return result.getModifiedCount() > 0 || result.getUpsertedId() != null;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }
}
