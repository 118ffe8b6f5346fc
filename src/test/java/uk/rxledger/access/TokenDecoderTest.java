package uk.rxledger.access;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import uk.rxledger.support.JwksServer;
import uk.rxledger.support.TestTokens;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The routing decoder on its own: development tokens only with a secret of 32 bytes or more, issuer tokens verified
 * against the issuer's key set (served here over real HTTP), and neither accepted by the other's decoder.
 */
class TokenDecoderTest {

    @Test
    void aDevelopmentSecretShorterThan32BytesRefusesToStart() {
        assertThatThrownBy(() -> TokenDecoder.of("too-short-secret", null, null, List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("32 bytes");
        assertThat(TokenDecoder.of("", null, null, List.of()).acceptsDevelopmentTokens()).isFalse();
        assertThat(TokenDecoder.of(null, null, null, List.of()).acceptsIssuerTokens()).isFalse();
    }

    @Test
    void issuerTokensAreVerifiedWithTheIssuersKeysAndDevelopmentTokensOnlyWithTheSecret() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        HttpServer jwks = JwksServer.serve(key);
        try {
            String jwkSetUri = JwksServer.uri(jwks);
            TokenDecoder issuerOnly = TokenDecoder.of(null, null, jwkSetUri, List.of("RS256"));
            TokenDecoder both = TokenDecoder.of(TestTokens.SECRET, null, jwkSetUri, List.of("RS256"));

            Jwt decoded = issuerOnly.decode(rs256(key, "carol"));
            assertThat(decoded.getSubject()).isEqualTo("carol");
            assertThat(SecurityConfiguration.caller(decoded).roles()).containsExactly(Role.AUDITOR);
            assertThat(both.decode(rs256(key, "carol")).getSubject()).isEqualTo("carol");
            assertThatThrownBy(() -> issuerOnly.decode(rs256(stranger, "mallory"))).isInstanceOf(JwtException.class);

            String development = TestTokens.token("dave", Role.CLINICIAN, "A81001");
            assertThat(both.decode(development).getSubject()).isEqualTo("dave");
            assertThatThrownBy(() -> issuerOnly.decode(development)).isInstanceOf(JwtException.class);
            assertThatThrownBy(() -> both.decode(TestTokens.token("dave", List.of("CLINICIAN"), List.of(),
                    Duration.ofMinutes(-5), TestTokens.SECRET))).isInstanceOf(JwtException.class);
        } finally {
            jwks.stop(0);
        }
    }

    private static String rs256(RSAKey key, String subject) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(subject).claim("roles", List.of("AUDITOR"))
                        .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
