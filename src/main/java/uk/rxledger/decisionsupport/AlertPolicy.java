package uk.rxledger.decisionsupport;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;
import uk.rxledger.eventstore.EventMetadata;
import uk.rxledger.projection.ProjectionBatchInterceptor;
import uk.rxledger.regimen.AlertRaised;
import uk.rxledger.regimen.AlertResolved;
import uk.rxledger.regimen.PatientEvent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * After every change to a patient, evaluates the rules and reconciles the patient's alerts. Alerts the policy itself
 * raised or resolved do not trigger it again. A batch of events evaluates each patient once, after its last event.
 */
@Component
// Replaying would re-evaluate (or re-announce) history: these react to new events only.
@DisallowReplay
@ProcessingGroup(AlertPolicy.PROCESSING_GROUP)
public class AlertPolicy {

    public static final String PROCESSING_GROUP = "alert-policy";
    private static final String PENDING = AlertPolicy.class.getName() + "/pending";

    private final AlertEvaluator evaluator;

    public AlertPolicy(AlertEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    record Pending(long sequence, String correlationId) {
    }

    @EventHandler
    void on(PatientEvent event, @SequenceNumber long sequence, MetaData metaData) {
        if (event instanceof AlertRaised || event instanceof AlertResolved) {
            return;
        }
        Object correlation = metaData.get(EventMetadata.CORRELATION_ID);
        Pending pending = new Pending(sequence, correlation == null ? null : correlation.toString());
        if (!CurrentUnitOfWork.isStarted()) {
            evaluator.reconcile(event.patientId(), sequence, pending.correlationId());
            return;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        Map<String, Pending> batch = root.getResource(PENDING);
        if (batch == null) {
            Map<String, Pending> created = new LinkedHashMap<>();
            root.resources().put(PENDING, created);
            ProjectionBatchInterceptor.register(root, () -> {
                created.forEach((patientId, p) -> evaluator.reconcile(patientId, p.sequence(), p.correlationId()));
                created.clear();
            });
            batch = created;
        }
        batch.merge(event.patientId(), pending, (a, b) -> b.sequence() >= a.sequence() ? b : a);
    }
}
