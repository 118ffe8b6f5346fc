package uk.rxledger.access;

import graphql.introspection.Introspection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import uk.rxledger.support.ContractClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production profile's GraphQL settings (application-prod.properties), on the test store: no GraphiQL, no
 * introspection, nothing without a token.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.graphql.graphiql.enabled=false",
        "spring.graphql.schema.introspection.enabled=false",
        "rxledger.security.anonymous-introspection=false"})
class ProductionProfileSecurityTest {

    static final String INTROSPECTION = "{ __schema { queryType { name } } }";

    @LocalServerPort
    int port;

    /** Spring Boot turns introspection off JVM-wide (graphql-java's switch): on again for the tests that follow. */
    @AfterAll
    static void introspectionOnAgain() {
        Introspection.enabledJvmWide(true);
    }

    @Test
    void noGraphiqlNoIntrospectionAndNothingWithoutAToken() throws Exception {
        ContractClient anonymous = new ContractClient(port);
        assertThat(anonymous.exchange(INTROSPECTION, null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> graphiql = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/graphiql")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(graphiql.statusCode()).isEqualTo(401);

        ContractClient clinician = anonymous.as(Role.CLINICIAN, "A81001");
        HttpResponse<String> introspection = clinician.exchange(INTROSPECTION, null, null);
        assertThat(introspection.statusCode()).isEqualTo(200);
        assertThat(ContractClient.JSON.readTree(introspection.body()).at("/errors/0/extensions/classification")
                                      .asText()).isEqualTo("BAD_REQUEST");
        assertThat(introspection.body()).doesNotContain("queryType\":{");
        assertThat(clinician.run("regimen.graphql", "MedicineSearch", Map.of("search", "omeprazole"))
                            .has("errors")).isFalse();
        // the health check stays open for the orchestrator
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health")).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
