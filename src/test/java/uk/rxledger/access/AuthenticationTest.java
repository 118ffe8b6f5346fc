package uk.rxledger.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.support.ContractClient;
import uk.rxledger.support.TestTokens;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication over real HTTP (ADR 0012): which tokens are accepted, the 401 answer's shape, what stays open
 * without a token, and the {@code ./dev-token} script's tokens.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthenticationTest {

    static final String SEARCH = "{ medicines(search: \"omeprazole\") { totalCount } }";

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> graphql(String authorization, String query) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ContractClient.JSON.writeValueAsString(Map.of("query", query))));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private static void assertUnauthorized(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
        JsonNode body = ContractClient.JSON.readTree(response.body());
        assertThat(body.at("/errors/0/extensions/classification").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(body.at("/errors/0/message").asText()).isNotBlank();
        assertThat(body.has("data")).isFalse();
    }

    @Test
    void aValidDevelopmentTokenIsAccepted() throws Exception {
        HttpResponse<String> response = graphql(TestTokens.bearer(TestTokens.token("gp-1", Role.CLINICIAN, "A81001")),
                                                SEARCH);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("errors").contains("totalCount");
    }

    @Test
    void missingBadExpiredAndForeignTokensAre401() throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("gp-1").claim("roles", List.of("CLINICIAN"))
                .expirationTime(Date.from(now.plusSeconds(600))).build();
        SignedJWT noSubject = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .claim("roles", List.of("CLINICIAN")).expirationTime(Date.from(now.plusSeconds(600))).build());
        noSubject.sign(new MACSigner(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)));
        RSAKey rsa = new RSAKeyGenerator(2048).generate();
        SignedJWT rs256 = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        rs256.sign(new RSASSASigner(rsa)); // no issuer is configured in tests: refused
        SignedJWT hs512 = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), claims);
        hs512.sign(new MACSigner((TestTokens.SECRET + TestTokens.SECRET).getBytes(StandardCharsets.UTF_8)));
        String valid = TestTokens.token("gp-1", Role.CLINICIAN, "A81001");
        String tampered = valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA" + valid.substring(valid.lastIndexOf('.') + 5);

        for (String authorization : new String[]{
                null,
                "Bearer ",
                "Bearer not.a.token",
                "Basic " + java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes()),
                TestTokens.bearer(TestTokens.token("gp-1", List.of("CLINICIAN"), List.of("A81001"),
                                                   Duration.ofMinutes(-5), TestTokens.SECRET)),
                TestTokens.bearer(TestTokens.token("gp-1", List.of("CLINICIAN"), List.of("A81001"),
                                                   Duration.ofHours(1), "some-other-secret-of-32-bytes-or-more")),
                TestTokens.bearer(tampered),
                TestTokens.bearer(new PlainJWT(claims).serialize()),
                TestTokens.bearer(noSubject.serialize()),
                TestTokens.bearer(rs256.serialize()),
                TestTokens.bearer(hs512.serialize())}) {
            assertUnauthorized(graphql(authorization, SEARCH));
        }
        assertUnauthorized(get("/patients/anyone/history.ndjson"));
        assertUnauthorized(get("/actuator/metrics"));
    }

    /** An HS256 token signed with the test secret, with exactly these claims. */
    private static String signed(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(TestTokens.SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void tokensWhoseRolesOrPracticesAreNotArraysOrThatNeverExpireAre401() throws Exception {
        Date exp = Date.from(Instant.now().plusSeconds(600));
        JWTClaimsSet wellFormed = new JWTClaimsSet.Builder().subject("gp-1").claim("roles", List.of("CLINICIAN"))
                .claim("practices", List.of("A81001")).expirationTime(exp).build();
        // the control: the same claims, well formed, are accepted (so each refusal below is about the one change)
        HttpResponse<String> accepted = graphql(TestTokens.bearer(signed(wellFormed)), SEARCH);
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(accepted.body()).doesNotContain("errors").contains("totalCount");

        for (JWTClaimsSet claims : List.of(
                new JWTClaimsSet.Builder(wellFormed).claim("roles", "CLINICIAN").build(),
                new JWTClaimsSet.Builder(wellFormed).claim("roles", "ADMIN CLINICIAN").build(),
                new JWTClaimsSet.Builder(wellFormed).claim("roles", List.of("CLINICIAN", 7)).build(),
                new JWTClaimsSet.Builder(wellFormed).claim("roles", Map.of("CLINICIAN", true)).build(),
                new JWTClaimsSet.Builder(wellFormed).claim("practices", "A81001").build(),
                new JWTClaimsSet.Builder(wellFormed).expirationTime(null).build())) {
            assertUnauthorized(graphql(TestTokens.bearer(signed(claims)), SEARCH));
        }
    }

    @Test
    void healthPrometheusGraphiqlAndIntrospectionNeedNoToken() throws Exception {
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        // Spring Boot tests export no metrics unless asked (GovernanceMetricsTest scrapes it without a token): here
        // it is enough that the path is not refused
        assertThat(get("/actuator/prometheus").statusCode()).isNotIn(401, 403);
        assertThat(get("/graphiql").statusCode()).isIn(200, 302, 307); // to /graphiql?path=/graphql
        assertThat(get("/graphiql?path=/graphql").statusCode()).isEqualTo(200);
        HttpResponse<String> introspection = graphql(null, "query IntrospectionQuery { __schema { queryType { name } "
                + "types { ...T } } } fragment T on __Type { name fields { name type { ...R } } } "
                + "fragment R on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType "
                + "{ kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }");
        assertThat(introspection.statusCode()).isEqualTo(200);
        assertThat(introspection.body()).contains("\"queryType\":{\"name\":\"Query\"}");
        assertThat(ContractClient.JSON.readTree(introspection.body()).has("errors")).isFalse();
        assertThat(graphql(null, "{ __typename }").statusCode()).isEqualTo(200);
        // introspection with data, or anything unreadable, needs a token
        assertUnauthorized(graphql(null, "{ __schema { queryType { name } } medicines(search: \"a\") { totalCount } }"));
        assertUnauthorized(graphql(null, "{ __schema { queryType { name } } } query Other { decisionRules { code } }"));
        assertUnauthorized(graphql(null, "{ ...F } fragment F on Query { medicines(search: \"a\") { totalCount } }"));
        assertUnauthorized(graphql(null, "{ __schema "));
    }

    @Test
    void tokensMintedByTheDevTokenScriptAreAccepted() throws Exception {
        Process script = new ProcessBuilder("./dev-token", "--sub", "alice", "--roles", "CLINICIAN,PHARMACIST",
                                            "--practices", "A81001", "--minutes", "5").redirectErrorStream(true)
                .start();
        script.getOutputStream().close();
        // the test profile's secret, as a developer would export it
        ProcessBuilder withSecret = new ProcessBuilder("./dev-token", "--sub", "alice", "--roles", "CLINICIAN,PHARMACIST",
                                                       "--practices", "A81001", "--minutes", "5");
        withSecret.environment().put("RXLEDGER_DEV_JWT_SECRET", TestTokens.SECRET);
        Process minted = withSecret.start();
        String token = new String(minted.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(minted.waitFor()).as(new String(minted.getErrorStream().readAllBytes())).isZero();
        HttpResponse<String> response = graphql("Bearer " + token, SEARCH);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("errors");
        // without the variable the script signs with the local profile's secret: not the test profile's
        String local = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(script.waitFor()).isZero();
        assertUnauthorized(graphql("Bearer " + local, SEARCH));
    }

    @Test
    void theScriptAndTheLocalProfileShareTheLocalSecret() throws IOException {
        Matcher script = Pattern.compile("LOCAL_SECRET=\"([^\"]+)\"").matcher(Files.readString(Path.of("dev-token")));
        assertThat(script.find()).isTrue();
        Properties local = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application-local.properties"))) {
            local.load(in);
        }
        assertThat(local.getProperty("rxledger.dev-jwt-secret"))
                .isEqualTo("${RXLEDGER_DEV_JWT_SECRET:" + script.group(1) + "}");
        assertThat(script.group(1).getBytes(StandardCharsets.UTF_8).length)
                .isGreaterThanOrEqualTo(TokenDecoder.MIN_SECRET_BYTES);
        // and production sets no development secret
        Properties prod = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application-prod.properties"))) {
            prod.load(in);
        }
        assertThat(prod.stringPropertyNames()).doesNotContain("rxledger.dev-jwt-secret");
        assertThat(prod.getProperty("rxledger.security.anonymous-introspection")).isEqualTo("false");
        assertThat(prod.getProperty("spring.graphql.schema.introspection.enabled")).isEqualTo("false");
        assertThat(prod.getProperty("spring.graphql.graphiql.enabled")).isEqualTo("false");
    }
}
