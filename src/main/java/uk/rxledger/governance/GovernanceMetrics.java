package uk.rxledger.governance;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.regimen.AdherenceChecked;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.regimen.SwitchReason;
import uk.rxledger.regimen.AlertAnswered;
import uk.rxledger.regimen.AlertFinding;
import uk.rxledger.regimen.AlertRaised;
import uk.rxledger.regimen.AlertResolved;
import uk.rxledger.regimen.DoseChanged;
import uk.rxledger.regimen.MedicationReviewCompleted;
import uk.rxledger.regimen.MedicineDeprescribed;
import uk.rxledger.regimen.MedicineDispensed;
import uk.rxledger.regimen.MedicineStarted;
import uk.rxledger.regimen.MedicineSwitched;
import uk.rxledger.regimen.PatientEvent;
import uk.rxledger.regimen.PatientRegistered;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Governance counters, tagged by practice and PCN only (ADR 0011), counted from the live event stream by their own
 * processing group.
 * <p>
 * Nothing is counted twice: the group {@linkplain DisallowReplay disallows replay}, so Axon refuses to reset it (an
 * admin rebuild of it is rejected) and would not hand it replayed events anyway, and the handler skips anything
 * delivered as a replay. Increments are applied only once the processor's batch has committed, i.e. after its token
 * was stored, so a batch that fails and is retried counts once. Each instance counts the events of the segments it
 * owns; Prometheus sums over instances. The group starts at the head of the stream: the counters measure activity
 * from when metrics were first deployed, not history (history is in the GraphQL summaries).
 */
@Component
@ProcessingGroup(GovernanceMetrics.PROCESSING_GROUP)
@DisallowReplay
public class GovernanceMetrics {

    public static final String PROCESSING_GROUP = "governance-metrics";
    private static final String PENDING = GovernanceMetrics.class.getName() + "/pending";
    private static final String PREFETCHED = GovernanceMetrics.class.getName() + "/prefetched";
    /** Rule codes are data; anything that does not look like one is kept out of a label. */
    private static final Pattern RULE_CODE = Pattern.compile("[A-Z0-9_]{1,40}");

    private final MeterRegistry registry;
    private final PracticeDirectory practices;
    private final EventStore eventStore;
    private final Catalogue catalogue;
    private final Set<PracticeTags> initialised = ConcurrentHashMap.newKeySet();

    public GovernanceMetrics(MeterRegistry registry, PracticeDirectory practices, EventStore eventStore,
                             Catalogue catalogue) {
        this.registry = registry;
        this.practices = practices;
        this.eventStore = eventStore;
        this.catalogue = catalogue;
    }

    /** One counter increment, applied after the batch commits. */
    record Increment(String name, Tags tags, double amount) {
    }

    @EventHandler
    void on(PatientEvent event, @SequenceNumber long sequence, ReplayStatus replay) {
        if (replay.isReplay()) {
            return; // belt and braces: @DisallowReplay already keeps replays away
        }
        prefetchPractices();
        if (event instanceof PatientRegistered registered) {
            practices.registered(registered);
        }
        PracticeTags where = practices.of(event.patientId());
        if (initialised.add(where)) {
            initialise(where);
        }
        List<Increment> increments = increments(event, sequence, where);
        if (!increments.isEmpty()) {
            afterCommit(increments);
        }
    }

    /**
     * Registers a practice's counters of fixed dimensions at zero when the practice is first seen, so that Prometheus
     * sees a series before its first increment and rate()/increase() count that increment (a series that appears at 1
     * looks like it started there). Alert counters, tagged by rule, appear as rules fire.
     */
    private void initialise(PracticeTags where) {
        Tags at = where.tags();
        List<Increment> zeros = new ArrayList<>();
        for (String name : List.of("rxledger.patients.registered", "rxledger.medicines.started",
                                   "rxledger.dispensings", "rxledger.dose.changes")) {
            zeros.add(new Increment(name, at, 0));
        }
        for (SwitchReason reason : SwitchReason.values()) {
            zeros.add(new Increment("rxledger.medicine.switches", at.and("reason", reason.name()), 0));
        }
        for (DeprescribeReason reason : DeprescribeReason.values()) {
            zeros.add(new Increment("rxledger.deprescribings", at.and("reason", reason.name()), 0));
        }
        for (AdherenceMethod method : AdherenceMethod.values()) {
            for (String adherent : List.of("true", "false")) {
                zeros.add(new Increment("rxledger.adherence.checks",
                                        at.and("method", method.name(), "adherent", adherent), 0));
            }
        }
        for (ReviewKind kind : ReviewKind.values()) {
            zeros.add(new Increment("rxledger.medication.reviews", at.and("kind", kind.name()), 0));
        }
        for (String category : List.of("SWITCHED_WITH_SUPPLY", "STOPPED_WITH_SUPPLY", "UNUSED_STOCKPILE")) {
            zeros.add(new Increment("rxledger.waste.pence", at.and("category", category), 0));
        }
        for (String kind : List.of("SWITCH", "DEPRESCRIBE")) {
            zeros.add(new Increment("rxledger.savings.annual.pence", at.and("kind", kind), 0));
            zeros.add(new Increment("rxledger.cost.increase.annual.pence", at.and("kind", kind), 0));
        }
        apply(zeros);
    }

    List<Increment> increments(PatientEvent event, long sequence, PracticeTags where) {
        Tags at = where.tags();
        List<Increment> out = new ArrayList<>(3);
        if (event instanceof PatientRegistered) {
            out.add(new Increment("rxledger.patients.registered", at, 1));
        } else if (event instanceof MedicineStarted) {
            out.add(new Increment("rxledger.medicines.started", at, 1));
        } else if (event instanceof MedicineDispensed) {
            out.add(new Increment("rxledger.dispensings", at, 1));
        } else if (event instanceof DoseChanged) {
            out.add(new Increment("rxledger.dose.changes", at, 1));
        } else if (event instanceof MedicineSwitched e) {
            out.add(new Increment("rxledger.medicine.switches", at.and("reason", e.reason().name()), 1));
            wasteAndSavings(event, sequence, at, out);
        } else if (event instanceof MedicineDeprescribed e) {
            out.add(new Increment("rxledger.deprescribings", at.and("reason", e.reason().name()), 1));
            wasteAndSavings(event, sequence, at, out);
        } else if (event instanceof AdherenceChecked e) {
            out.add(new Increment("rxledger.adherence.checks",
                                  at.and("method", e.method().name(), "adherent", Boolean.toString(e.adherent())), 1));
            if (e.unitsRemaining() != null) {
                wasteAndSavings(event, sequence, at, out);
            }
        } else if (event instanceof MedicationReviewCompleted e) {
            out.add(new Increment("rxledger.medication.reviews", at.and("kind", e.kind().name()), 1));
        } else if (event instanceof AlertRaised e) {
            out.add(new Increment("rxledger.alerts.raised", at.and(rule(e.finding())), 1));
        } else if (event instanceof AlertAnswered e) {
            out.add(new Increment("rxledger.alerts.answered", at.and(ruleOf(e.patientId(), e.alertId(), sequence))
                                                                .and("decision", e.decision().name()), 1));
        } else if (event instanceof AlertResolved e) {
            out.add(new Increment("rxledger.alerts.resolved", at.and(ruleOf(e.patientId(), e.alertId(), sequence)), 1));
        }
        return out;
    }

    private void wasteAndSavings(PatientEvent event, long sequence, Tags at, List<Increment> out) {
        WasteAndSavings figures = new WasteAndSavings(catalogue, earlierEvents(event.patientId(), sequence));
        figures.waste(event).ifPresent(w -> out.add(
                new Increment("rxledger.waste.pence", at.and("category", w.category()), w.pence())));
        figures.saving(event).ifPresent(s -> {
            // A counter only goes up: savings and cost increases are counted apart; net = one minus the other.
            if (s.annualPence() >= 0) {
                out.add(new Increment("rxledger.savings.annual.pence", at.and("kind", s.kind()), s.annualPence()));
            } else {
                out.add(new Increment("rxledger.cost.increase.annual.pence", at.and("kind", s.kind()),
                                      -s.annualPence()));
            }
        });
    }

    /** The patient's events before {@code sequence}: a stream read by key, only for the events that need history. */
    private List<PatientEvent> earlierEvents(String patientId, long sequence) {
        List<PatientEvent> events = new ArrayList<>();
        DomainEventStream stream = eventStore.readEvents(patientId);
        while (stream.hasNext()) {
            DomainEventMessage<?> message = stream.next();
            if (message.getSequenceNumber() >= sequence) {
                break;
            }
            if (message.getPayload() instanceof PatientEvent earlier) {
                events.add(earlier);
            }
        }
        return events;
    }

    private Tags ruleOf(String patientId, String alertId, long sequence) {
        for (PatientEvent earlier : earlierEvents(patientId, sequence)) {
            if (earlier instanceof AlertRaised raised && raised.alertId().equals(alertId)) {
                return rule(raised.finding());
            }
        }
        return Tags.of("rule", "UNKNOWN", "category", "UNKNOWN");
    }

    private static Tags rule(AlertFinding finding) {
        return Tags.of("rule", safe(finding.ruleCode()), "category", safe(finding.category()));
    }

    private static String safe(String code) {
        String upper = code == null ? "" : code.toUpperCase(Locale.ROOT);
        return RULE_CODE.matcher(upper).matches() ? upper : "OTHER";
    }

    /** Looks up the practices of a whole batch's patients in one query, once per batch. */
    private void prefetchPractices() {
        if (!CurrentUnitOfWork.isStarted()) {
            return;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        if (root.getResource(PREFETCHED) != null || !(root instanceof BatchingUnitOfWork<?> batch)) {
            return;
        }
        root.resources().put(PREFETCHED, Boolean.TRUE);
        Set<String> ids = new LinkedHashSet<>();
        for (Message<?> message : batch.getMessages()) {
            if (message instanceof DomainEventMessage<?> domain && domain.getAggregateIdentifier() != null) {
                ids.add(domain.getAggregateIdentifier());
            }
        }
        practices.prefetch(ids);
    }

    /** Counts once the batch (and so the processor's token) has committed; a rolled-back batch counts nothing. */
    private void afterCommit(List<Increment> increments) {
        if (!CurrentUnitOfWork.isStarted()) {
            apply(increments);
            return;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        List<Increment> pending = root.getOrComputeResource(PENDING, key -> {
            List<Increment> created = new ArrayList<>();
            root.afterCommit(u -> apply(created));
            return created;
        });
        pending.addAll(increments);
    }

    void apply(List<Increment> increments) {
        increments.forEach(i -> registry.counter(i.name(), i.tags()).increment(i.amount()));
    }
}
