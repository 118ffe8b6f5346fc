package uk.rxledger.access;

import graphql.GraphQLContext;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.execution.ExecutionStepInfo;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.language.OperationDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.DataFetchingEnvironmentImpl;
import graphql.schema.SelectedField;
import org.reactivestreams.Publisher;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.execution.SubscriptionPublisherException;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import uk.rxledger.access.AccessPolicy.Target;
import uk.rxledger.decisionsupport.AlertNotifications.AlertNotification;
import uk.rxledger.graphql.RequestContext;
import uk.rxledger.regimen.PatientView;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access control for GraphQL, in one place (ADR 0012): every top-level field of every query, mutation and
 * subscription passes through here before its data fetcher runs. No token: UNAUTHORIZED (introspection fields
 * excepted while anonymous introspection is on). Refused by {@link AccessPolicy}: FORBIDDEN, with the same message
 * whatever the reason. Granted: logged when it touches one patient's data ({@link AccessGate}), then run with the
 * granting role in its {@link RequestContext}, so the events it causes carry the authenticated actor and role.
 * String arguments longer than {@value #MAX_STRING} characters are a BAD_REQUEST before anything is looked up.
 * <p>
 * A {@code Patient} reached under a field that did not itself admit that patient (the worklist's rows) shows only the
 * summary a worklist row carries ({@link #PATIENT_SUMMARY}); any other field of that patient is admitted here as the
 * {@code patient} query is, once per patient and request: the same check, the same access-log record (operation: the
 * GraphQL operation name, else the top-level field), FORBIDDEN otherwise.
 * <p>
 * A subscription push is the same: one that selects only the summary the contract's subscription carries
 * ({@link #SUBSCRIPTION_SUMMARY}) is a practice-level notification; one that selects anything else is admitted here,
 * for its patient, as the {@code patient} query is, for every push: an access record per pushed item, written before
 * it is delivered. A push the caller may not see is not delivered; a push whose record cannot be written is not
 * delivered either and ends the subscription with an INTERNAL_ERROR.
 */
public class AccessInstrumentation extends SimplePerformantInstrumentation {

    /** The longest string argument (free text is limited to 2,000 characters by the regimen's own validation). */
    public static final int MAX_STRING = 4096;

    /** The fields of a {@code Patient} a worklist row carries (the contract's PracticeWorklist): no access record. */
    static final Set<String> PATIENT_SUMMARY = Set.of("id", "age", "activeMedicineCount", "acbTotal", "__typename");

    /**
     * Per subscription field, what a push may select without an access record (selection paths, {@code a/b}): the
     * contract's subscription (AlertsRaised). A subscription field not listed has no free selection.
     */
    static final Map<String, Set<String>> SUBSCRIPTION_SUMMARY = Map.of("alertRaised", Set.of(
            "patientId", "alert", "alert/id", "alert/category", "alert/severity", "alert/rule", "alert/rule/code",
            "alert/raisedOn"));

    /** GraphQL context key: patient id to the outcome of admitting its detail in this request (Role or refusal). */
    static final String DETAIL_ADMISSIONS = AccessInstrumentation.class.getName() + ".detailAdmissions";

    private final AccessGate gate;
    private final boolean anonymousIntrospection;

    public AccessInstrumentation(AccessGate gate, boolean anonymousIntrospection) {
        this.gate = gate;
        this.anonymousIntrospection = anonymousIntrospection;
    }

    @Override
    public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> dataFetcher, InstrumentationFieldFetchParameters parameters,
                                                InstrumentationState state) {
        ExecutionStepInfo step = parameters.getExecutionStepInfo();
        String field = step.getFieldDefinition().getName();
        if (step.getPath().getLevel() == 1) {
            return env -> admitted(field, dataFetcher, env);
        }
        if ("Patient".equals(step.getObjectType().getName()) && !PATIENT_SUMMARY.contains(field)) {
            return env -> patientDetail(dataFetcher, env);
        }
        return dataFetcher;
    }

    /**
     * A detail field of a patient nested in another field's answer. Free when the top-level field already admitted
     * (and logged) this very patient (a mutation's payload, the patient query); otherwise admitted as the
     * {@code patient} query, once per patient per request.
     */
    private Object patientDetail(DataFetcher<?> dataFetcher, DataFetchingEnvironment env) throws Exception {
        if (!(env.getSource() instanceof PatientView patient)) {
            return dataFetcher.get(env);
        }
        ExecutionStepInfo top = env.getExecutionStepInfo();
        while (top.getParent() != null && top.getPath().getLevel() > 1) {
            top = top.getParent();
        }
        String topField = top.getFieldDefinition().getName();
        if (AccessPolicy.requirement(topField).logged()
            && Objects.equals(target(top.getArguments()).patientId(), patient.id)) {
            return dataFetcher.get(env);
        }
        GraphQLContext context = env.getGraphQlContext();
        Caller caller = context.get(RequestContextInterceptor.CALLER);
        if (caller == null) {
            return error(env, ErrorType.UNAUTHORIZED, "Unauthorized: a valid bearer token is required");
        }
        RequestContext request = context.get(RequestContext.KEY);
        String operationName = env.getOperationDefinition().getName();
        String loggedAs = operationName == null ? topField : operationName;
        Map<String, Object> admissions = context.computeIfAbsent(DETAIL_ADMISSIONS, key -> new ConcurrentHashMap<>());
        Object outcome = admissions.computeIfAbsent(patient.id, id -> {
            try {
                return gate.admit("patient", caller, new Target(id, null), loggedAs,
                                  Purpose.valueOf(request.purposeOfUse()));
            } catch (AccessGate.Denied | AccessGate.NotRecorded refused) {
                return refused;
            }
        });
        if (outcome instanceof AccessGate.Denied denied) {
            return error(env, ErrorType.FORBIDDEN, denied.getMessage());
        }
        if (outcome instanceof AccessGate.NotRecorded failure) {
            throw failure;
        }
        return dataFetcher.get(env);
    }

    private Object admitted(String field, DataFetcher<?> dataFetcher, DataFetchingEnvironment env) throws Exception {
        GraphQLContext context = env.getGraphQlContext();
        Caller caller = context.get(RequestContextInterceptor.CALLER);
        if (caller == null) {
            if (anonymousIntrospection && field.startsWith("__")) {
                return dataFetcher.get(env);
            }
            return error(env, ErrorType.UNAUTHORIZED, "Unauthorized: a valid bearer token is required");
        }
        if (tooLong(env.getArguments())) {
            return error(env, ErrorType.BAD_REQUEST, "A string argument is longer than " + MAX_STRING + " characters");
        }
        RequestContext request = context.get(RequestContext.KEY);
        String operationName = env.getOperationDefinition().getName();
        Role granted;
        try {
            granted = gate.admit(field, caller, target(env.getArguments()),
                                 operationName == null ? field : operationName,
                                 Purpose.valueOf(request.purposeOfUse()));
        } catch (AccessGate.Denied denied) {
            return error(env, ErrorType.FORBIDDEN, denied.getMessage());
        }
        GraphQLContext acting = GraphQLContext.newContext().of(context)
                .of(RequestContext.KEY, request.withRole(granted.name())).build();
        Object answer = dataFetcher.get(DataFetchingEnvironmentImpl.newDataFetchingEnvironment(env)
                                                                   .graphQLContext(acting).build());
        if (env.getOperationDefinition().getOperation() == OperationDefinition.Operation.SUBSCRIPTION
            && selectsDetail(field, env.getSelectionSet().getFields())) {
            return pushesAdmitted(answer, caller, operationName == null ? field : operationName,
                                  Purpose.valueOf(request.purposeOfUse()));
        }
        return answer;
    }

    /** Whether a subscription's selection goes beyond the free summary of its pushes. */
    static boolean selectsDetail(String field, List<SelectedField> selected) {
        Set<String> free = SUBSCRIPTION_SUMMARY.getOrDefault(field, Set.of());
        return selected.stream().anyMatch(f -> !f.getName().startsWith("__") && !free.contains(f.getQualifiedName()));
    }

    /**
     * Every push of a subscription that selects patient detail admitted for its patient as the {@code patient} query
     * is, and recorded, before it is delivered (off the thread that publishes, as the write is blocking). Refused: not
     * delivered. Not recorded: not delivered, and the subscription ends with an INTERNAL_ERROR. A pushed item whose
     * patient is not known here is treated as not recorded (fails closed).
     */
    private Object pushesAdmitted(Object answer, Caller caller, String loggedAs, Purpose purpose) {
        Object pushes = answer instanceof DataFetcherResult<?> result ? result.getData() : answer;
        if (!(pushes instanceof Publisher<?> publisher)) {
            return answer; // a refusal or an error: nothing is pushed
        }
        Flux<?> admitted = Flux.from(publisher).publishOn(Schedulers.boundedElastic()).handle((item, sink) -> {
            String patient = item instanceof AlertNotification n ? n.patientId() : null;
            try {
                if (patient == null) {
                    throw new AccessGate.NotRecorded(new IllegalStateException("a push without a patient"));
                }
                gate.admit("patient", caller, new Target(patient, null), loggedAs, purpose);
                sink.next(item);
            } catch (AccessGate.Denied denied) {
                // not this caller's patient: not delivered
            } catch (AccessGate.NotRecorded failure) {
                sink.error(new SubscriptionPublisherException(List.of(GraphqlErrorBuilder.newError()
                        .errorType(ErrorType.INTERNAL_ERROR).message(failure.getMessage()).build()), failure));
            }
        });
        return answer instanceof DataFetcherResult<?> result
                ? DataFetcherResult.newResult().data(admitted).errors(result.getErrors())
                                   .localContext(result.getLocalContext()).build()
                : admitted;
    }

    /** What the table needs from a field's arguments: the patient ({@code id}, {@code patientId} or the input's), the practice. */
    static Target target(Map<String, Object> arguments) {
        Map<?, ?> input = arguments.get("input") instanceof Map<?, ?> m ? m : Map.of();
        String patient = text(arguments.get("id"));
        if (patient == null) {
            patient = text(arguments.get("patientId"));
        }
        if (patient == null) {
            patient = text(input.get("patientId"));
        }
        String practice = text(arguments.get("practice"));
        return new Target(patient, practice == null ? text(input.get("practice")) : practice);
    }

    private static String text(Object value) {
        return value instanceof String s ? s : null;
    }

    static boolean tooLong(Object value) {
        if (value instanceof String s) {
            return s.length() > MAX_STRING;
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(AccessInstrumentation::tooLong);
        }
        if (value instanceof Collection<?> values) {
            return values.stream().anyMatch(AccessInstrumentation::tooLong);
        }
        return false;
    }

    private static DataFetcherResult<Object> error(DataFetchingEnvironment env, ErrorType type, String message) {
        return DataFetcherResult.newResult()
                .error(GraphqlErrorBuilder.newError(env).errorType(type).message(message).build()).build();
    }
}
