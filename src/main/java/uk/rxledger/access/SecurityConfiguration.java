package uk.rxledger.access;

import com.mongodb.client.MongoDatabase;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import uk.rxledger.audit.PatientStreams;
import uk.rxledger.regimen.PatientProjection;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * Authentication and the wiring of access control (ADR 0012): bearer JWTs through {@link TokenDecoder}; 401 with a
 * GraphQL-shaped UNAUTHORIZED body for a missing, unreadable, badly signed or expired token; open without a token:
 * health, the Prometheus scrape, the GraphQL WebSocket handshake (authenticated at {@code connection_init}), and, while
 * {@code rxledger.security.anonymous-introspection} is on, GraphiQL and introspection-only requests. No sessions, no
 * CSRF (no cookies are used). Authorisation is not here: {@link AccessInstrumentation} and
 * {@link ExportAccessInterceptor} apply {@link AccessPolicy} to each operation.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** The caller of a token the decoder has checked (which requires a subject). */
    static Caller caller(Jwt jwt) {
        return Caller.of(jwt.getSubject(), jwt.getClaimAsStringList("roles"), jwt.getClaimAsStringList("practices"));
    }

    /** The production profile (application-prod.properties, set by docker/Dockerfile). */
    static final String PRODUCTION_PROFILE = "prod";

    /** Why the application refuses to start; names the variable, never its value. */
    static final String DEV_SECRET_IN_PRODUCTION = "RXLEDGER_DEV_JWT_SECRET (or rxledger.dev-jwt-secret) is set while"
            + " the '" + PRODUCTION_PROFILE + "' profile is active: production accepts only the issuer's tokens"
            + " (spring.security.oauth2.resourceserver.jwt.issuer-uri/jwk-set-uri), never HS256 development tokens."
            + " Unset the variable to start.";

    @Bean
    TokenDecoder jwtDecoder(Environment environment,
                            @Value("${rxledger.dev-jwt-secret:${RXLEDGER_DEV_JWT_SECRET:}}") String devSecret,
                            @Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri:}") String issuerUri,
                            @Value("${spring.security.oauth2.resourceserver.jwt.jwk-set-uri:}") String jwkSetUri,
                            @Value("${spring.security.oauth2.resourceserver.jwt.jws-algorithms:RS256}")
                            List<String> algorithms) {
        if (devSecret != null && !devSecret.isBlank()
            && environment.acceptsProfiles(Profiles.of(PRODUCTION_PROFILE))) {
            throw new IllegalStateException(DEV_SECRET_IN_PRODUCTION);
        }
        TokenDecoder decoder = TokenDecoder.of(devSecret, issuerUri, jwkSetUri, algorithms);
        if (decoder.acceptsDevelopmentTokens()) {
            log.warn("Accepting HS256 development tokens signed with RXLEDGER_DEV_JWT_SECRET: not for production");
        }
        if (!decoder.acceptsDevelopmentTokens() && !decoder.acceptsIssuerTokens()) {
            log.warn("No token issuer configured (spring.security.oauth2.resourceserver.jwt.issuer-uri/jwk-set-uri)"
                     + " and no RXLEDGER_DEV_JWT_SECRET: every request that needs a token will be refused");
        }
        return decoder;
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    SecurityFilterChain securityFilterChain(HttpSecurity http, JwtDecoder decoder,
                                            @Value("${rxledger.security.anonymous-introspection:true}")
                                            boolean anonymousIntrospection,
                                            @Value("${spring.graphql.path:/graphql}") String graphqlPath,
                                            @Value("${spring.graphql.graphiql.path:/graphiql}") String graphiqlPath,
                                            @Value("${spring.graphql.websocket.path:/graphql-ws}") String wsPath)
            throws Exception {
        AuthenticationEntryPoint unauthorized = new Unauthorized();
        http.csrf(csrf -> csrf.disable())
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .requestCache(cache -> cache.disable())
            .formLogin(form -> form.disable())
            .httpBasic(basic -> basic.disable())
            .logout(logout -> logout.disable())
            .authorizeHttpRequests(requests -> {
                requests.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus",
                                         "/error", wsPath).permitAll();
                if (anonymousIntrospection) {
                    requests.requestMatchers(graphiqlPath, graphiqlPath + "/**").permitAll();
                    requests.requestMatchers(new IntrospectionOnly(graphqlPath)).permitAll();
                }
                requests.anyRequest().authenticated();
            })
            .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.decoder(decoder))
                                                  .authenticationEntryPoint(unauthorized))
            .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthorized)
                    .accessDeniedHandler((request, response, denied) -> ErrorResponses.write(
                            response, HttpStatus.FORBIDDEN, "FORBIDDEN", AccessGate.Denied.MESSAGE)))
            .addFilterAfter(new CallerAttribute(), BearerTokenAuthenticationFilter.class);
        return http.build();
    }

    /** 401, the {@code WWW-Authenticate} header of RFC 6750, and a GraphQL-shaped UNAUTHORIZED body. */
    static final class Unauthorized implements AuthenticationEntryPoint {
        private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();

        @Override
        public void commence(HttpServletRequest request, HttpServletResponse response,
                             org.springframework.security.core.AuthenticationException failure) throws IOException {
            bearer.commence(request, response, failure);
            ErrorResponses.write(response, HttpStatus.UNAUTHORIZED, "UNAUTHORIZED",
                                 "Unauthorized: a valid bearer token is required");
        }
    }

    /** Puts the authenticated caller where the GraphQL interceptor and the export interceptor read it. */
    static final class CallerAttribute extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (SecurityContextHolder.getContext().getAuthentication() instanceof JwtAuthenticationToken token) {
                request.setAttribute(RequestContextInterceptor.CALLER, caller(token.getToken()));
            }
            chain.doFilter(request, response);
        }
    }

    /** Ahead of Spring Security (order -100), so that an oversized body is refused before anything reads it. */
    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    FilterRegistrationBean<RequestBodyLimit> requestBodyLimit(
            @Value("${rxledger.security.max-request-bytes:262144}") int maxRequestBytes) {
        FilterRegistrationBean<RequestBodyLimit> registration =
                new FilterRegistrationBean<>(new RequestBodyLimit(maxRequestBytes));
        registration.setOrder(-200);
        return registration;
    }

    @Bean
    AccessPolicy accessPolicy(PatientProjection patients, PatientStreams streams) {
        return new AccessPolicy(new PatientPractices(patients, streams));
    }

    @Bean
    AccessLog accessLog(MongoDatabase database) {
        return new AccessLog(database);
    }

    @Bean
    AccessGate accessGate(AccessPolicy policy, AccessLog accessLog, Clock clock) {
        return new AccessGate(policy, accessLog, clock);
    }

    @Bean
    AccessInstrumentation accessInstrumentation(AccessGate gate,
                                                @Value("${rxledger.security.anonymous-introspection:true}")
                                                boolean anonymousIntrospection) {
        return new AccessInstrumentation(gate, anonymousIntrospection);
    }

    @Bean
    RequestContextInterceptor requestContextInterceptor(JwtDecoder decoder) {
        return new RequestContextInterceptor(decoder);
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    WebMvcConfigurer exportAccess(AccessGate gate) {
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(new ExportAccessInterceptor(gate)).addPathPatterns(ExportAccessInterceptor.PATH);
            }
        };
    }
}
