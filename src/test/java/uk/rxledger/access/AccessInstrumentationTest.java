package uk.rxledger.access;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.schema.DataFetcher;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.graphql.execution.SubscriptionPublisherException;
import reactor.core.publisher.Flux;
import uk.rxledger.decisionsupport.AlertNotifications;
import uk.rxledger.eventstore.EmbeddedMongoServer;
import uk.rxledger.graphql.RequestContext;
import uk.rxledger.support.EmbeddedMongo;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instrumentation on a schema of its own, with the access log on the embedded MongoDB: a granted patient read is
 * recorded before its data fetcher runs, a failed write fails the field without running it, and the granting role
 * reaches the fetcher's request context.
 */
class AccessInstrumentationTest {

    static final String SCHEMA = """
            type Query { patient(id: ID!): String  medicines: String }
            type Mutation { startMedicine(input: StartInput!): String }
            input StartInput { patientId: ID!  medicineCode: String }
            type Subscription { alertRaised(practice: String!): AlertNotification }
            type AlertNotification { patientId: ID!  alert: Alert }
            type Alert { id: ID  severity: String  message: String }
            """;
    static final Caller CLINICIAN = Caller.of("gp-1", List.of("CLINICIAN"), List.of("A81001"));
    static final AccessPolicy POLICY = new AccessPolicy(id -> Optional.of("A81001").filter(p -> id.startsWith("p-")));

    final List<String> calls = new ArrayList<>();
    /** The patients whose alerts the subscription pushes, in order. */
    final List<String> pushes = new ArrayList<>();

    GraphQL graphQl(AccessLog log) {
        DataFetcher<String> patient = env -> {
            // the access record exists before any of the patient's data is produced
            calls.add("patient:" + log.page(env.getArgument("id"), 1, null).totalCount());
            return "data of " + env.getArgument("id");
        };
        DataFetcher<String> start = env -> {
            RequestContext request = env.getGraphQlContext().get(RequestContext.KEY);
            calls.add("startMedicine as " + request.actor() + "/" + request.role());
            return "started";
        };
        RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
                .type("Query", t -> t.dataFetcher("patient", patient).dataFetcher("medicines", env -> "catalogue"))
                .type("Mutation", t -> t.dataFetcher("startMedicine", start))
                .type("Subscription", t -> t.dataFetcher("alertRaised", env -> Flux.fromIterable(pushes)
                        .map(id -> new AlertNotifications.AlertNotification(id, "A81001", null))))
                .build();
        return GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SCHEMA), wiring))
                      .instrumentation(new AccessInstrumentation(new AccessGate(POLICY, log, Clock.systemUTC()), true))
                      .build();
    }

    /** An access log whose every write fails: its server is gone. */
    static AccessLog brokenAccessLog() {
        EmbeddedMongoServer server = EmbeddedMongoServer.inMemory();
        MongoClient client = MongoClients.create(server.connectionString());
        AccessLog broken = new AccessLog(client.getDatabase("closed"));
        client.close();
        server.close();
        return broken;
    }

    static ExecutionResult run(GraphQL graphQl, String query, Caller caller) {
        ExecutionInput input = ExecutionInput.newExecutionInput(query).build();
        input.getGraphQLContext().put(RequestContext.KEY, new RequestContext(caller == null ? null : caller.id(),
                                                                             null, "corr-1", "DIRECT_CARE"));
        if (caller != null) {
            input.getGraphQLContext().put(RequestContextInterceptor.CALLER, caller);
        }
        return graphQl.execute(input);
    }

    @Test
    void aGrantedReadIsRecordedBeforeItsDataAndTheGrantingRoleActs() {
        AccessLog log = new AccessLog(EmbeddedMongo.freshDatabase("access-instrumentation"));
        GraphQL graphQl = graphQl(log);

        ExecutionResult read = run(graphQl, "query Look { patient(id: \"p-1\") }", CLINICIAN);
        assertThat(read.getErrors()).isEmpty();
        assertThat(calls).containsExactly("patient:1");
        AccessLog.Entry entry = log.page("p-1", 1, null).edges().get(0).node();
        assertThat(entry).extracting(AccessLog.Entry::actor, AccessLog.Entry::role, AccessLog.Entry::operation,
                                     AccessLog.Entry::purpose)
                .containsExactly("gp-1", "CLINICIAN", "Look", "DIRECT_CARE");

        ExecutionResult change = run(graphQl, "mutation { startMedicine(input: {patientId: \"p-1\"}) }", CLINICIAN);
        assertThat(change.getErrors()).isEmpty();
        assertThat(calls).contains("startMedicine as gp-1/CLINICIAN");
        assertThat(log.page("p-1", 1, null).totalCount()).isEqualTo(2);
    }

    @Test
    void aFailedAccessRecordFailsTheFieldWithoutRunningIt() {
        GraphQL graphQl = graphQl(brokenAccessLog());

        ExecutionResult read = run(graphQl, "{ patient(id: \"p-1\") medicines }", CLINICIAN);
        assertThat(calls).isEmpty();
        assertThat(read.getErrors()).hasSize(1);
        assertThat(read.getErrors().get(0).getPath()).containsExactly("patient");
        assertThat(read.getErrors().get(0).getMessage()).doesNotContain("p-1");
        Map<String, Object> data = read.getData();
        assertThat(data.get("patient")).isNull();
        assertThat(data.get("medicines")).isEqualTo("catalogue"); // reference data needs no record
    }

    @Test
    void noCallerIsUnauthorizedExceptForIntrospectionAndRefusalsRevealNothing() {
        GraphQL graphQl = graphQl(new AccessLog(EmbeddedMongo.freshDatabase("access-instrumentation-2")));
        ExecutionResult anonymous = run(graphQl, "{ medicines __typename }", null);
        assertThat(anonymous.getErrors()).singleElement()
                .satisfies(e -> assertThat(e.getErrorType().toString()).isEqualTo("UNAUTHORIZED"));
        assertThat(run(graphQl, "{ __schema { queryType { name } } }", null).getErrors()).isEmpty();

        ExecutionResult other = run(graphQl, "{ patient(id: \"q-elsewhere\") }", CLINICIAN);
        assertThat(other.getErrors()).singleElement().satisfies(e -> {
            assertThat(e.getErrorType().toString()).isEqualTo("FORBIDDEN");
            assertThat(e.getMessage()).isEqualTo(AccessGate.Denied.MESSAGE).doesNotContain("q-elsewhere");
        });
        ExecutionResult tooLong = run(graphQl, "{ patient(id: \"p-" + "x".repeat(AccessInstrumentation.MAX_STRING)
                                               + "\") }", CLINICIAN);
        assertThat(tooLong.getErrors()).singleElement()
                .satisfies(e -> assertThat(e.getErrorType().toString()).isEqualTo("BAD_REQUEST"));
        assertThat(calls).isEmpty();
    }

    /** The pushes of a subscription (patient ids), or the error that ended it, as the last element. */
    static List<Object> pushed(ExecutionResult subscription) {
        assertThat(subscription.getErrors()).isEmpty();
        Publisher<ExecutionResult> results = subscription.getData();
        return Flux.from(results).<Object>map(r -> {
                    assertThat(r.getErrors()).isEmpty();
                    return ((Map<?, ?>) ((Map<?, ?>) r.getData()).get("alertRaised")).get("patientId");
                })
                .onErrorResume(error -> Flux.just(error)).collectList().block(Duration.ofSeconds(10));
    }

    @Test
    void aSubscriptionSelectingAlertDetailDeliversOnlyRecordedPushesOfPatientsTheCallerMaySee() {
        AccessLog log = new AccessLog(EmbeddedMongo.freshDatabase("access-instrumentation-3"));
        GraphQL graphQl = graphQl(log);
        pushes.addAll(List.of("p-1", "q-elsewhere", "p-2", "p-1"));

        // the summary the contract's subscription selects: every push of the practice, no record
        assertThat(pushed(run(graphQl, "subscription { alertRaised(practice: \"A81001\") "
                                       + "{ patientId __typename alert { id severity } } }", CLINICIAN)))
                .containsExactly("p-1", "q-elsewhere", "p-2", "p-1");
        assertThat(log.page("p-1", 10, null).totalCount()).isZero();

        // detail: a record per push, before delivery; a patient the caller may not see is not delivered
        assertThat(pushed(run(graphQl, "subscription Detail { alertRaised(practice: \"A81001\") "
                                       + "{ patientId alert { message } } }", CLINICIAN)))
                .containsExactly("p-1", "p-2", "p-1");
        assertThat(log.page("p-1", 10, null).totalCount()).isEqualTo(2);
        assertThat(log.page("p-2", 10, null).totalCount()).isEqualTo(1);
        assertThat(log.page("q-elsewhere", 10, null).totalCount()).isZero();
        assertThat(log.page("p-2", 1, null).edges().get(0).node())
                .extracting(AccessLog.Entry::actor, AccessLog.Entry::role, AccessLog.Entry::operation)
                .containsExactly("gp-1", "CLINICIAN", "Detail");
        // unnamed: logged under the field
        pushes.clear();
        pushes.add("p-2");
        assertThat(pushed(run(graphQl, "subscription { alertRaised(practice: \"A81001\") { alert { message } } }",
                              CLINICIAN))).hasSize(1);
        assertThat(log.page("p-2", 1, null).edges().get(0).node().operation()).isEqualTo("alertRaised");
    }

    @Test
    void aPushOfAlertDetailWhoseRecordCannotBeWrittenIsNotDeliveredAndEndsTheSubscription() {
        GraphQL graphQl = graphQl(brokenAccessLog());
        pushes.addAll(List.of("p-1", "p-2"));

        List<Object> pushed = pushed(run(graphQl, "subscription { alertRaised(practice: \"A81001\") "
                                                  + "{ patientId alert { id message } } }", CLINICIAN));
        assertThat(pushed).singleElement().isInstanceOfSatisfying(SubscriptionPublisherException.class, e -> {
            assertThat(e.getErrors()).singleElement().satisfies(
                    error -> assertThat(error.getErrorType().toString()).isEqualTo("INTERNAL_ERROR"));
            assertThat(e.getErrors().get(0).getMessage()).doesNotContain("p-1");
        });
    }
}
