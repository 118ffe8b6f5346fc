package uk.rxledger.governance;

import uk.rxledger.projection.KeyLookup;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientRegistered;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Patient id to practice and PCN, for tagging metrics. A patient's practice never changes, so an answer is cached for
 * good; a miss is one key lookup ({@code _id}, or {@code _id $in} for a processor batch) on the patient read model,
 * and while that read model has not caught up yet, the first event of the patient's stream.
 * <p>
 * Tag values are bounded: only well-formed ODS codes, and at most {@code rxledger.metrics.max-practices} distinct
 * practices per instance; beyond that a practice is reported as {@code OTHER} and the overflow is counted, so a
 * mistake can never turn into unbounded label cardinality (ADR 0011).
 */
@Component
class PracticeDirectory {

    private static final Pattern ODS_CODE = Pattern.compile("[A-Z0-9]{3,10}");

    private final MongoCollection<Document> patients;
    private final EventStore eventStore;
    private final int maxPractices;
    private final int maxCachedPatients;
    private final Map<String, PracticeTags> byPatient = new ConcurrentHashMap<>();
    private final Set<String> practicesSeen = ConcurrentHashMap.newKeySet();
    private final Counter overflow;

    PracticeDirectory(MongoDatabase database, EventStore eventStore, MeterRegistry registry,
                      @Value("${rxledger.metrics.max-practices:2000}") int maxPractices,
                      @Value("${rxledger.metrics.max-cached-patients:500000}") int maxCachedPatients) {
        this.patients = database.getCollection(PatientProjection.COLLECTION);
        this.eventStore = eventStore;
        this.maxPractices = maxPractices;
        this.maxCachedPatients = maxCachedPatients;
        this.overflow = Counter.builder("rxledger.metrics.practice.overflow")
                               .description("Patients reported as practice=OTHER because the practice budget was spent")
                               .register(registry);
    }

    /** The practice and PCN of a patient, as bounded tag values. */
    PracticeTags of(String patientId) {
        PracticeTags cached = byPatient.get(patientId);
        if (cached != null) {
            return cached;
        }
        Document doc = patients.find(Filters.eq("_id", patientId))
                               .projection(Projections.include("practice", "pcn")).first();
        PracticeTags found = doc != null ? bounded(doc.getString("practice"), doc.getString("pcn"))
                : fromStream(patientId).orElse(new PracticeTags(PracticeTags.OTHER, PracticeTags.NO_PCN));
        remember(patientId, found);
        return found;
    }

    /** Looks up the uncached ones of several patients at once. */
    void prefetch(Collection<String> patientIds) {
        Set<String> missing = new LinkedHashSet<>();
        patientIds.forEach(id -> {
            if (!byPatient.containsKey(id)) {
                missing.add(id);
            }
        });
        if (missing.size() < 2) {
            return;
        }
        KeyLookup.forEach(patients, missing, Projections.include("practice", "pcn"),
                doc -> remember(doc.getString("_id"), bounded(doc.getString("practice"), doc.getString("pcn"))));
    }

    /** A patient seen registering: no lookup needed. */
    void registered(PatientRegistered event) {
        remember(event.patientId(), bounded(event.practice(), event.pcn()));
    }

    private Optional<PracticeTags> fromStream(String patientId) {
        DomainEventStream stream = eventStore.readEvents(patientId);
        if (stream.hasNext()) {
            DomainEventMessage<?> first = stream.next();
            if (first.getPayload() instanceof PatientRegistered registered) {
                return Optional.of(bounded(registered.practice(), registered.pcn()));
            }
        }
        return Optional.empty();
    }

    private void remember(String patientId, PracticeTags tags) {
        if (byPatient.size() >= maxCachedPatients) {
            byPatient.clear(); // crude but rare: lookups are cheap and the cache refills with the active patients
        }
        byPatient.put(patientId, tags);
    }

    PracticeTags bounded(String practice, String pcn) {
        String pcnTag = pcn == null ? PracticeTags.NO_PCN
                : ODS_CODE.matcher(pcn).matches() ? pcn : PracticeTags.OTHER;
        if (practice == null || !ODS_CODE.matcher(practice).matches()) {
            return new PracticeTags(PracticeTags.OTHER, pcnTag);
        }
        if (!practicesSeen.contains(practice)) {
            synchronized (practicesSeen) {
                if (!practicesSeen.contains(practice) && practicesSeen.size() >= maxPractices) {
                    overflow.increment();
                    return new PracticeTags(PracticeTags.OTHER, pcnTag);
                }
                practicesSeen.add(practice);
            }
        }
        return new PracticeTags(practice, pcnTag);
    }
}
