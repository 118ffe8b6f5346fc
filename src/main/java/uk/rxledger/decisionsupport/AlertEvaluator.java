package uk.rxledger.decisionsupport;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.decisionsupport.rules.RuleEvaluator;
import uk.rxledger.decisionsupport.rules.RuleSet;
import uk.rxledger.eventstore.EventMetadata;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.RegimenCommands;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Evaluates the rule set for a patient on today's date and reconciles the patient's alerts with the result: the
 * aggregate raises what newly holds and resolves what stopped holding. Idempotent, so the policy, the daily run and
 * an admin may all call it at any time.
 */
@Component
public class AlertEvaluator {

    /** The system actor in the audit metadata of what the rules (not a person) changed. */
    public static final String ACTOR = "system:decision-support";
    private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);
    private static final Duration VIEW_WAIT = Duration.ofSeconds(10);

    private final PatientProjection patients;
    private final Catalogue catalogue;
    private final RuleSet rules;
    private final CommandGateway commands;
    private final Clock clock;
    /**
     * Commands go out on their own threads: a command sent from an event processor's thread would join the
     * processor's unit of work and be stored only when its whole batch commits.
     */
    private final ExecutorService dispatcher = Executors.newFixedThreadPool(2, r -> {
        Thread thread = new Thread(r, "alert-reconcile");
        thread.setDaemon(true);
        return thread;
    });

    public AlertEvaluator(PatientProjection patients, Catalogue catalogue, RuleSet rules, CommandGateway commands,
                          Clock clock) {
        this.patients = patients;
        this.catalogue = catalogue;
        this.rules = rules;
        this.commands = commands;
        this.clock = clock;
    }

    /** The evaluation of a patient's current read model on today's date. */
    public PatientEvaluation evaluate(PatientView patient) {
        LocalDate today = LocalDate.now(clock);
        return PatientEvaluation.of(RuleEvaluator.evaluate(patient, catalogue, rules, today), rules, patient, today);
    }

    /**
     * Evaluates the patient once their read model includes {@code sequence} and reconciles their alerts.
     *
     * @return the evaluation, or empty when the patient is unknown
     */
    public Optional<PatientEvaluation> reconcile(String patientId, long sequence, String correlationId) {
        if (!patients.awaitSequence(patientId, sequence, VIEW_WAIT)) {
            // Evaluating an older state (e.g. while the read model is rebuilt) could resolve alerts that still hold;
            // the patient's next change or the daily run evaluates them once the read model has caught up.
            log.warn("Read model lagging: evaluation of a patient skipped (sequence {})", sequence);
            return Optional.empty();
        }
        Optional<PatientView> view = patients.find(patientId);
        if (view.isEmpty()) {
            return Optional.empty();
        }
        PatientEvaluation evaluation = evaluate(view.get());
        RegimenCommands.ReconcileAlerts command = new RegimenCommands.ReconcileAlerts(
                patientId, LocalDate.now(clock), evaluation.findings());
        MetaData metaData = new EventMetadata(ACTOR, "SYSTEM", "rule set " + rules.version(),
                                              correlationId != null ? correlationId : UUID.randomUUID().toString())
                .toMetaData();
        try {
            dispatcher.submit(() -> commands.sendAndWait(command, metaData)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reconciling alerts", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
        return Optional.of(evaluation);
    }

    @jakarta.annotation.PreDestroy
    void shutdown() {
        dispatcher.shutdownNow();
    }
}
