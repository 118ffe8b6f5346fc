package uk.rxledger.access;

import graphql.GraphQLContext;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.DataFetchingEnvironmentImpl;
import org.springframework.graphql.execution.ErrorType;
import uk.rxledger.access.AccessPolicy.Target;
import uk.rxledger.graphql.RequestContext;

import java.util.Collection;
import java.util.Map;

/**
 * Access control for GraphQL, in one place (ADR 0012): every top-level field of every query, mutation and
 * subscription passes through here before its data fetcher runs. No token: UNAUTHORIZED (introspection fields
 * excepted while anonymous introspection is on). Refused by {@link AccessPolicy}: FORBIDDEN, with the same message
 * whatever the reason. Granted: logged when it touches one patient's data ({@link AccessGate}), then run with the
 * granting role in its {@link RequestContext}, so the events it causes carry the authenticated actor and role.
 * String arguments longer than {@value #MAX_STRING} characters are a BAD_REQUEST before anything is looked up.
 */
public class AccessInstrumentation extends SimplePerformantInstrumentation {

    /** The longest string argument (free text is limited to 2,000 characters by the regimen's own validation). */
    public static final int MAX_STRING = 4096;

    private final AccessGate gate;
    private final boolean anonymousIntrospection;

    public AccessInstrumentation(AccessGate gate, boolean anonymousIntrospection) {
        this.gate = gate;
        this.anonymousIntrospection = anonymousIntrospection;
    }

    @Override
    public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> dataFetcher, InstrumentationFieldFetchParameters parameters,
                                                InstrumentationState state) {
        if (parameters.getExecutionStepInfo().getPath().getLevel() != 1) {
            return dataFetcher;
        }
        String field = parameters.getExecutionStepInfo().getFieldDefinition().getName();
        return env -> admitted(field, dataFetcher, env);
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
        return dataFetcher.get(DataFetchingEnvironmentImpl.newDataFetchingEnvironment(env).graphQLContext(acting).build());
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
