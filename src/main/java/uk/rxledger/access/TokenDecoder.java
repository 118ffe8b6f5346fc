package uk.rxledger.access;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Collection;
import java.util.List;

/**
 * The one {@link JwtDecoder} (ADR 0012), routing by the token's {@code alg}: {@code HS256} to the development decoder
 * keyed by {@code RXLEDGER_DEV_JWT_SECRET} (present only when that secret is set), every other signed algorithm to
 * the configured issuer's decoder (present only when {@code issuer-uri} or {@code jwk-set-uri} is set). Unsigned
 * tokens, and tokens for a decoder that is not configured, are rejected. Every token needs a {@code sub} and an
 * {@code exp}; {@code roles} and {@code practices}, when present, must be arrays of strings.
 */
public final class TokenDecoder implements JwtDecoder {

    /** The shortest development secret accepted: 256 bits, as HS256 needs. */
    public static final int MIN_SECRET_BYTES = 32;

    private final JwtDecoder development;
    private final JwtDecoder issuer;

    TokenDecoder(JwtDecoder development, JwtDecoder issuer) {
        this.development = development;
        this.issuer = issuer;
    }

    /**
     * @param devSecret   the development secret, or null/blank for none
     * @param issuerUri   the issuer's URI (discovery), or null/blank
     * @param jwkSetUri   the issuer's key set, or null/blank (takes precedence over discovery for the keys)
     * @param algorithms  the issuer's signature algorithms when read from {@code jwkSetUri} (default RS256)
     */
    public static TokenDecoder of(String devSecret, String issuerUri, String jwkSetUri, List<String> algorithms) {
        return new TokenDecoder(blank(devSecret) ? null : development(devSecret),
                                issuer(issuerUri, jwkSetUri, algorithms));
    }

    static JwtDecoder development(String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("RXLEDGER_DEV_JWT_SECRET must be at least " + MIN_SECRET_BYTES
                                            + " bytes (it has " + key.length + "); generate one with"
                                            + " `openssl rand -hex 32`");
        }
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
                                                   .macAlgorithm(MacAlgorithm.HS256).build();
        decoder.setJwtValidator(validator(JwtValidators.createDefault()));
        return decoder;
    }

    private static JwtDecoder issuer(String issuerUri, String jwkSetUri, List<String> algorithms) {
        if (blank(issuerUri) && blank(jwkSetUri)) {
            return null;
        }
        if (blank(jwkSetUri)) {
            // discovery on first use, so the application starts while the issuer is unreachable
            return new SupplierJwtDecoder(() -> {
                NimbusJwtDecoder decoder = JwtDecoders.fromIssuerLocation(issuerUri);
                decoder.setJwtValidator(validator(JwtValidators.createDefaultWithIssuer(issuerUri)));
                return decoder;
            });
        }
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri).jwsAlgorithms(set -> {
            (algorithms == null || algorithms.isEmpty() ? List.of("RS256") : algorithms)
                    .forEach(a -> set.add(SignatureAlgorithm.from(a)));
        }).build();
        decoder.setJwtValidator(validator(blank(issuerUri) ? JwtValidators.createDefault()
                                                         : JwtValidators.createDefaultWithIssuer(issuerUri)));
        return decoder;
    }

    /**
     * The issuer's or development defaults (signature, expiry when present, issuer) and the contract's claims:
     * a {@code sub}; an {@code exp} (a token that never expires is refused); {@code roles} and {@code practices}, when
     * present, arrays of strings. A plain string is refused rather than read as a one-element list (Spring's claim
     * conversion would do that), so that no issuer's space- or comma-separated form is silently half-understood.
     */
    static OAuth2TokenValidator<Jwt> validator(OAuth2TokenValidator<Jwt> defaults) {
        return new DelegatingOAuth2TokenValidator<>(defaults,
                new JwtClaimValidator<Object>("sub", sub -> sub instanceof String s && !s.isBlank()),
                new JwtClaimValidator<Object>("exp", exp -> exp != null),
                new JwtClaimValidator<Object>("roles", TokenDecoder::absentOrArrayOfStrings),
                new JwtClaimValidator<Object>("practices", TokenDecoder::absentOrArrayOfStrings));
    }

    private static boolean absentOrArrayOfStrings(Object claim) {
        return claim == null || claim instanceof Collection<?> values && values.stream().allMatch(String.class::isInstance);
    }

    public boolean acceptsDevelopmentTokens() {
        return development != null;
    }

    public boolean acceptsIssuerTokens() {
        return issuer != null;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        JWSHeader header;
        try {
            if (!(JWTParser.parse(token) instanceof SignedJWT signed)) {
                throw new BadJwtException("Unsigned token");
            }
            header = signed.getHeader();
        } catch (ParseException e) {
            throw new BadJwtException("Malformed token");
        }
        JwtDecoder decoder = JWSAlgorithm.HS256.equals(header.getAlgorithm()) ? development : issuer;
        if (decoder == null) {
            throw new BadJwtException("Tokens signed with " + header.getAlgorithm() + " are not accepted here");
        }
        return decoder.decode(token);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
