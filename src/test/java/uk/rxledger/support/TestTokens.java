package uk.rxledger.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.graphql.client.WebSocketGraphQlClientInterceptor;
import reactor.core.publisher.Mono;
import uk.rxledger.access.Role;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Mints the HS256 development tokens the test profile accepts, signed with its {@code rxledger.dev-jwt-secret}
 * (src/test/resources/application-test.properties), as {@code ./dev-token} does for local runs.
 */
public final class TestTokens {

    public static final String SECRET = testSecret();

    private TestTokens() {
    }

    /** A token valid for an hour. */
    public static String token(String sub, Role role, String... practices) {
        return token(sub, List.of(role.name()), List.of(practices), Duration.ofHours(1), SECRET);
    }

    /** A token with any roles, practices, lifetime (negative: already expired) and signing secret. */
    public static String token(String sub, List<String> roles, List<String> practices, Duration lifetime,
                               String secret) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(sub).claim("roles", roles)
                .claim("practices", practices).issueTime(Date.from(now.minusSeconds(600)))
                .expirationTime(Date.from(now.plus(lifetime)));
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /** Sends the token in the GraphQL WebSocket {@code connection_init} payload, as browsers must. */
    public static WebSocketGraphQlClientInterceptor connectionInit(String token) {
        return new WebSocketGraphQlClientInterceptor() {
            @Override
            public Mono<Object> connectionInitPayload() {
                return Mono.just(Map.of("Authorization", bearer(token)));
            }
        };
    }

    /** {@code sub} for a role when a test does not care who: "clinician-A81001". */
    public static String defaultSubject(Role role, String... practices) {
        return role.name().toLowerCase() + (practices.length == 0 ? "" : "-" + String.join("-", Arrays.asList(practices)));
    }

    private static String testSecret() {
        try (InputStream in = TestTokens.class.getResourceAsStream("/application-test.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("rxledger.dev-jwt-secret");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
