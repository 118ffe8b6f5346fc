package uk.rxledger.decisionsupport;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.BatchMapping;
import org.springframework.graphql.data.method.annotation.ContextValue;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;
import uk.rxledger.decisionsupport.rules.Rule;
import uk.rxledger.decisionsupport.rules.RuleSet;
import uk.rxledger.decisionsupport.rules.SmrEligibility;
import uk.rxledger.graphql.CommandDispatch;
import uk.rxledger.graphql.Connection;
import uk.rxledger.graphql.MutationError;
import uk.rxledger.graphql.RequestContext;
import uk.rxledger.regimen.AlertDecision;
import uk.rxledger.regimen.AlertStatus;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.PatientView.AlertView;
import uk.rxledger.regimen.RegimenCommands;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Decision support over GraphQL: alerts and their answers, SMR eligibility, the worklist, the rules. */
@Controller
public class DecisionSupportController {

    private static final CommandDispatch.Target PATIENT =
            new CommandDispatch.Target("patientId", "PATIENT_NOT_FOUND", "DUPLICATE_PATIENT", "patient");

    private final CommandDispatch commands;
    private final PatientProjection patients;
    private final AlertEvaluator evaluator;
    private final WorklistQuery worklist;
    private final AlertNotifications notifications;
    private final RuleSet rules;
    private final DailyReevaluation daily;

    public DecisionSupportController(CommandDispatch commands, PatientProjection patients, AlertEvaluator evaluator,
                                     WorklistQuery worklist, AlertNotifications notifications, RuleSet rules,
                                     DailyReevaluation daily) {
        this.daily = daily;
        this.commands = commands;
        this.patients = patients;
        this.evaluator = evaluator;
        this.worklist = worklist;
        this.notifications = notifications;
        this.rules = rules;
    }

    record RuleView(String code, String title, String source, String version, String category, String severity,
                    String evidenceUrl) {
    }

    record Evidence(List<String> lineIds, List<String> conditions, List<String> observations) {
    }

    record Response(AlertDecision decision, String reason, LocalDate respondedOn, String respondedBy) {
    }

    record RespondToAlertInput(String patientId, String alertId, AlertDecision decision, String reason,
                               LocalDate respondedOn) {
    }

    record RespondToAlertPayload(AlertView alert, PatientView patient, List<MutationError> errors) {
    }

    // ------------------------------------------------------------------ patient

    @SchemaMapping(typeName = "Patient")
    public List<AlertView> alerts(PatientView patient, @Argument List<AlertStatus> status) {
        return patient.alerts.stream()
                .filter(a -> status == null || status.isEmpty() || status.contains(a.status))
                .sorted(Comparator.comparing((AlertView a) -> a.raisedOn).reversed()
                                  .thenComparing(a -> Integer.parseInt(a.id.substring(1)), Comparator.reverseOrder()))
                .toList();
    }

    @SchemaMapping(typeName = "Patient")
    public SmrEligibility smrEligibility(PatientView patient) {
        return evaluator.evaluate(patient).smrEligibility();
    }

    @SchemaMapping(typeName = "Alert")
    public RuleView rule(AlertView alert) {
        return new RuleView(alert.ruleCode, alert.title, alert.source, alert.ruleVersion, alert.category,
                            alert.severity, alert.evidenceUrl);
    }

    @SchemaMapping(typeName = "Alert")
    public Evidence evidence(AlertView alert) {
        return new Evidence(alert.lineIds, alert.conditions, alert.observations);
    }

    @SchemaMapping(typeName = "Alert")
    public Response response(AlertView alert) {
        return alert.decision == null ? null
                : new Response(alert.decision, alert.responseReason, alert.respondedOn, alert.respondedBy);
    }

    // ------------------------------------------------------------------ answering

    @MutationMapping
    public RespondToAlertPayload respondToAlert(@Argument RespondToAlertInput input,
                                                @ContextValue(RequestContext.KEY) RequestContext request) {
        CommandDispatch.Outcome<RegimenCommands.Recorded> outcome = commands.send(
                new RegimenCommands.RespondToAlert(input.patientId(), input.alertId(), input.decision(),
                                                   input.reason(), input.respondedOn(), request.actor()),
                request.metadata(input.reason()), PATIENT);
        if (outcome.rejected()) {
            return new RespondToAlertPayload(null, null, outcome.errors());
        }
        patients.awaitSequence(input.patientId(), outcome.result().sequence(), Duration.ofSeconds(10));
        PatientView view = patients.find(input.patientId()).orElseThrow();
        return new RespondToAlertPayload(view.alert(input.alertId()).orElse(null), view, List.of());
    }

    record RunDailyEvaluationInput(String practice) {
    }

    @MutationMapping
    public DailyReevaluation.Run runDailyEvaluation(@Argument RunDailyEvaluationInput input) {
        return daily.runNow(input.practice() == null ? null : input.practice().strip().toUpperCase(java.util.Locale.ROOT));
    }

    // ------------------------------------------------------------------ worklist and rules

    @QueryMapping
    public Connection<WorklistEntry> practiceWorklist(@Argument String practice,
                                                      @Argument WorklistQuery.WorklistFilter filter,
                                                      @Argument Integer first, @Argument String after) {
        return worklist.page(practice, filter, first, after);
    }

    /** The patients of a worklist page in one lookup. */
    @BatchMapping(typeName = "WorklistEntry")
    public Map<WorklistEntry, PatientView> patient(List<WorklistEntry> entries) {
        Map<String, PatientView> byId = patients.findAll(entries.stream().map(e -> e.id).toList()).stream()
                .collect(Collectors.toMap(p -> p.id, Function.identity()));
        return entries.stream().filter(e -> byId.containsKey(e.id))
                      .collect(Collectors.toMap(Function.identity(), e -> byId.get(e.id)));
    }

    @QueryMapping
    public List<RuleView> decisionRules() {
        return rules.rules().stream().map(this::view).toList();
    }

    private RuleView view(Rule rule) {
        return new RuleView(rule.code(), rule.title(), rule.source().name(), rules.version(), rule.category().name(),
                            rule.severity().name(), rule.evidenceUrl());
    }

    @SubscriptionMapping
    public Flux<AlertNotifications.AlertNotification> alertRaised(@Argument String practice) {
        return notifications.forPractice(practice.strip().toUpperCase(java.util.Locale.ROOT));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class DecisionSupportConfiguration {

        /** The versioned rule set shipped with the application (src/main/resources/decisionsupport). */
        @Bean
        RuleSet ruleSet() {
            return RuleSet.loadDefault();
        }

        /** Each instance notifies its own subscribers of every new alert: private, in-memory tokens from the head. */
        @Bean
        org.axonframework.config.ConfigurerModule alertNotificationProcessor() {
            return configurer -> configurer.eventProcessing()
                    .registerTokenStore(AlertNotifications.PROCESSING_GROUP,
                                        c -> new org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore())
                    .registerPooledStreamingEventProcessorConfiguration(
                            AlertNotifications.PROCESSING_GROUP,
                            (c, builder) -> builder.initialSegmentCount(1)
                                                   .initialToken(source -> source.createHeadToken()));
        }
    }
}
