package uk.rxledger.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import graphql.introspection.Introspection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import uk.rxledger.eventstore.EmbeddedMongoServer;
import uk.rxledger.operations.InProcessApplication;
import uk.rxledger.support.ContractClient;
import uk.rxledger.support.JwksServer;
import uk.rxledger.support.TestTokens;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The real production profile (application-prod.properties, the only active profile), on an embedded MongoDB over
 * TCP, with the issuer's RS256 key set served over real HTTP ({@code jwk-set-uri}): the issuer's tokens work, HS256
 * development tokens do not, there is no GraphiQL, no introspection and nothing without a token; and the application
 * refuses to start when the development secret is set.
 */
class ProductionProfileSecurityTest {

    static final String INTROSPECTION = "{ __schema { queryType { name } } }";

    static RSAKey issuerKey;
    static HttpServer jwks;
    static EmbeddedMongoServer mongo;
    static ConfigurableApplicationContext app;
    static int port;

    @BeforeAll
    static void startProduction() throws Exception {
        issuerKey = new RSAKeyGenerator(2048).keyID("prod-key-1").generate();
        jwks = JwksServer.serve(issuerKey);
        mongo = EmbeddedMongoServer.inMemory();
        app = InProcessApplication.startProfile("prod", productionArguments());
        port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    /** What the deployment gives the prod profile: the store (MONGODB_URI) and the issuer's key set. */
    static String[] productionArguments(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.data.mongodb.uri=" + mongo.connectionString() + "/production-profile",
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + JwksServer.uri(jwks),
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--rxledger.node-id=prod-test",
                "--rxledger.metrics.state-initial-delay-ms=3600000"));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    /** Spring Boot turns introspection off JVM-wide (graphql-java's switch): on again for the tests that follow. */
    @AfterAll
    static void stop() {
        try {
            if (app != null) {
                app.close();
            }
            if (mongo != null) {
                mongo.close();
            }
            if (jwks != null) {
                jwks.stop(0);
            }
        } finally {
            Introspection.enabledJvmWide(true);
        }
    }

    static String rs256(RSAKey key, String sub, String role, String... practices) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(sub).claim("roles", List.of(role))
                        .claim("practices", List.of(practices))
                        .issueTime(Date.from(Instant.now().minusSeconds(60)))
                        .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void theProductionProfileIsTheOnlyOneActive() {
        assertThat(app.getEnvironment().getActiveProfiles()).containsExactly("prod");
        assertThat(app.getBean(TokenDecoder.class).acceptsDevelopmentTokens()).isFalse();
        assertThat(app.getBean(TokenDecoder.class).acceptsIssuerTokens()).isTrue();
    }

    @Test
    void noGraphiqlNoIntrospectionAndNothingWithoutAToken() throws Exception {
        ContractClient anonymous = new ContractClient(port);
        assertThat(anonymous.exchange(INTROSPECTION, null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> graphiql = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/graphiql")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(graphiql.statusCode()).isEqualTo(401);

        ContractClient clinician = anonymous.header("Authorization",
                TestTokens.bearer(rs256(issuerKey, "gp-prod", "CLINICIAN", "A81001")));
        HttpResponse<String> introspection = clinician.exchange(INTROSPECTION, null, null);
        assertThat(introspection.statusCode()).isEqualTo(200);
        assertThat(ContractClient.JSON.readTree(introspection.body()).at("/errors/0/extensions/classification")
                                      .asText()).isEqualTo("BAD_REQUEST");
        assertThat(introspection.body()).doesNotContain("queryType\":{");
        // the health check stays open for the orchestrator
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health")).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void theIssuersRs256TokensWorkAndDevelopmentTokensDoNot() throws Exception {
        ContractClient anonymous = new ContractClient(port);
        String patientId = "prod-" + UUID.randomUUID();
        ContractClient clinician = anonymous.header("Authorization",
                TestTokens.bearer(rs256(issuerKey, "gp-prod", "CLINICIAN", "A81001")));
        assertThat(clinician.run("regimen.graphql", "MedicineSearch", Map.of("search", "omeprazole"))
                            .has("errors")).isFalse();
        JsonNode registered = clinician.mutate("regimen.graphql", "RegisterPatient", Map.of("patientId", patientId,
                "practice", "A81001", "birthDate", "1950-05-05", "sex", "FEMALE"));
        assertThat(registered.get("errors")).isEmpty();
        assertThat(registered.at("/patient/id").asText()).isEqualTo(patientId);

        // HS256 tokens signed with the test (or any) development secret: no development decoder here
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("prod-key-1").generate();
        for (String token : List.of(TestTokens.token("gp-prod", Role.CLINICIAN, "A81001"),
                                    TestTokens.token("admin", Role.ADMIN),
                                    rs256(stranger, "gp-prod", "CLINICIAN", "A81001"))) {
            HttpResponse<String> refused = anonymous.header("Authorization", TestTokens.bearer(token))
                    .send("regimen.graphql", "PatientRegimen", Map.of("id", patientId));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            assertThat(ContractClient.JSON.readTree(refused.body()).at("/errors/0/extensions/classification").asText())
                    .isEqualTo("UNAUTHORIZED");
            assertThat(refused.body()).doesNotContain(patientId);
        }
    }

    @Test
    void theApplicationRefusesToStartWithTheDevelopmentSecret() {
        String secret = "a-development-secret-that-must-not-be-logged-" + UUID.randomUUID();
        for (String setting : List.of("--RXLEDGER_DEV_JWT_SECRET=" + secret, "--rxledger.dev-jwt-secret=" + secret)) {
            Throwable failure = catchThrowable(() -> InProcessApplication.startProfile("prod",
                                                                                       productionArguments(setting))
                                                                       .close());
            assertThat(failure).as(setting).isNotNull();
            Throwable root = failure;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertThat(root).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("RXLEDGER_DEV_JWT_SECRET").hasMessageContaining("'prod' profile");
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain(secret);
        }
    }
}
