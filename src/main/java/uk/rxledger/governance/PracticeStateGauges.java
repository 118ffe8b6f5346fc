package uk.rxledger.governance;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import uk.rxledger.decisionsupport.WorklistProjection;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * State gauges per practice (patients, patients with open alerts, open alerts, open safety alerts, SMR-eligible
 * patients) from the worklist read model. A scrape never touches the database: one aggregation groups the worklist
 * by practice every {@code rxledger.metrics.state-refresh-ms} and the gauges report that snapshot. Every instance
 * reports the same values, so dashboards take the max over instances, not the sum (ADR 0011).
 */
@Component
class PracticeStateGauges {

    private static final Logger log = LoggerFactory.getLogger(PracticeStateGauges.class);

    /** The figures of one practice, as of the last refresh. */
    record PracticeState(String practice, String pcn, long patients, long patientsWithOpenAlerts, long openAlerts,
                         long openSafetyAlerts, long smrEligible) {

        PracticeState plus(PracticeState other) {
            return new PracticeState(practice, pcn, patients + other.patients,
                                     patientsWithOpenAlerts + other.patientsWithOpenAlerts,
                                     openAlerts + other.openAlerts, openSafetyAlerts + other.openSafetyAlerts,
                                     smrEligible + other.smrEligible);
        }
    }

    private final MongoCollection<Document> worklist;
    private final PracticeDirectory directory;
    private final Clock clock;
    private final Timer refreshTimer;
    private final AtomicLong refreshedAt = new AtomicLong();
    private final Map<String, MultiGauge> gauges = new HashMap<>();

    PracticeStateGauges(MongoDatabase database, PracticeDirectory directory, MeterRegistry registry, Clock clock) {
        this.worklist = database.getCollection(WorklistProjection.COLLECTION);
        this.directory = directory;
        this.clock = clock;
        this.refreshTimer = Timer.builder("rxledger.governance.state.refresh")
                                 .description("Time to recompute the per-practice state gauges from the worklist")
                                 .register(registry);
        Gauge.builder("rxledger.governance.state.refreshed", refreshedAt, a -> a.get() / 1000.0)
             .description("When the per-practice state gauges were last recomputed (Unix time)")
             .baseUnit("seconds").register(registry);
        for (String name : List.of("rxledger.practice.patients", "rxledger.practice.patients.with.open.alerts",
                                   "rxledger.practice.open.alerts", "rxledger.practice.open.safety.alerts",
                                   "rxledger.practice.smr.eligible.patients")) {
            gauges.put(name, MultiGauge.builder(name).register(registry));
        }
    }

    @Scheduled(initialDelayString = "${rxledger.metrics.state-initial-delay-ms:5000}",
               fixedDelayString = "${rxledger.metrics.state-refresh-ms:30000}")
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // The last snapshot stays; the staleness alert fires if this persists.
            log.warn("Refreshing the practice state gauges failed: {}", e.toString());
        }
    }

    List<PracticeState> refresh() {
        List<PracticeState> states = refreshTimer.record(this::aggregate);
        register("rxledger.practice.patients", states, PracticeState::patients);
        register("rxledger.practice.patients.with.open.alerts", states, PracticeState::patientsWithOpenAlerts);
        register("rxledger.practice.open.alerts", states, PracticeState::openAlerts);
        register("rxledger.practice.open.safety.alerts", states, PracticeState::openSafetyAlerts);
        register("rxledger.practice.smr.eligible.patients", states, PracticeState::smrEligible);
        refreshedAt.set(clock.millis());
        return states;
    }

    private void register(String name, List<PracticeState> states, ToLongFunction<PracticeState> value) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>(states.size());
        for (PracticeState state : states) {
            rows.add(MultiGauge.Row.of(Tags.of("practice", state.practice(), "pcn", state.pcn()),
                                       value.applyAsLong(state)));
        }
        gauges.get(name).register(rows, true);
    }

    /** One pass over the worklist on the server, grouped by practice and PCN. */
    private List<PracticeState> aggregate() {
        List<Document> pipeline = List.of(
                new Document("$project", new Document("practice", 1).append("pcn", 1)
                        .append("openAlertCount", 1).append("openSafetyAlertCount", 1).append("smrEligible", 1)),
                new Document("$group", new Document("_id", new Document("practice", "$practice").append("pcn", "$pcn"))
                        .append("patients", new Document("$sum", 1))
                        .append("withOpenAlerts", new Document("$sum", new Document("$cond", List.of(
                                new Document("$gt", List.of("$openAlertCount", 0)), 1, 0))))
                        .append("openAlerts", new Document("$sum", "$openAlertCount"))
                        .append("openSafetyAlerts", new Document("$sum", "$openSafetyAlertCount"))
                        .append("smrEligible", new Document("$sum", new Document("$cond", List.of(
                                new Document("$eq", List.of("$smrEligible", true)), 1, 0))))));
        Map<List<String>, PracticeState> merged = new HashMap<>();
        for (Document group : worklist.aggregate(pipeline)) {
            Document id = group.get("_id", Document.class);
            PracticeTags tags = directory.bounded(id.getString("practice"), id.getString("pcn"));
            PracticeState state = new PracticeState(tags.practice(), tags.pcn(), number(group, "patients"),
                                                    number(group, "withOpenAlerts"), number(group, "openAlerts"),
                                                    number(group, "openSafetyAlerts"), number(group, "smrEligible"));
            // Practices beyond the tag budget collapse into OTHER: add them up rather than overwrite.
            merged.merge(List.of(state.practice(), state.pcn()), state, PracticeState::plus);
        }
        return merged.values().stream()
                     .sorted(Comparator.comparing(PracticeState::practice).thenComparing(PracticeState::pcn))
                     .toList();
    }

    private static long number(Document doc, String field) {
        return doc.get(field) instanceof Number n ? n.longValue() : 0;
    }
}
