package uk.rxledger.access;

import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlInterceptor;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import reactor.core.publisher.Mono;
import uk.rxledger.graphql.RequestContext;
import uk.rxledger.graphql.RequestTimeout;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Puts the authenticated {@link Caller} and the {@link RequestContext} into every GraphQL request (ADR 0012). Over
 * HTTP the caller comes from the bearer token Spring Security has checked ({@link SecurityConfiguration}); over
 * GraphQL WebSocket from the {@code Authorization} entry of the {@code connection_init} payload, checked here with
 * the same decoder (no token, or a bad one, closes the connection with 4401). The actor of every event is the
 * token's {@code sub}; caller-supplied actor headers do not exist. {@code X-Correlation-Id} is kept when well formed;
 * {@code X-Purpose-Of-Use} must name a {@link Purpose} (DIRECT_CARE when absent), else the request is a BAD_REQUEST.
 */
public class RequestContextInterceptor implements WebSocketGraphQlInterceptor {

    /** The key of the caller in the GraphQL context, the request attributes and the WebSocket session attributes. */
    public static final String CALLER = Caller.class.getName();

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

    private final JwtDecoder decoder;

    public RequestContextInterceptor(JwtDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        Map<String, Object> attributes = request instanceof WebSocketGraphQlRequest ws
                ? ws.getSessionInfo().getAttributes() : request.getAttributes();
        Caller caller = attributes.get(CALLER) instanceof Caller c ? c : null;
        var headers = request.getHeaders();
        Optional<Purpose> purpose = Purpose.of(headers.getFirst(Purpose.HEADER));
        if (purpose.isEmpty()) {
            return Mono.just(RequestTimeout.errorResponse(request, ErrorType.BAD_REQUEST,
                                                          Purpose.HEADER + " must be one of " + Purpose.allowed()));
        }
        String correlation = headers.getFirst("X-Correlation-Id");
        RequestContext context = new RequestContext(
                caller == null ? null : caller.id(), null,
                correlation != null && TOKEN.matcher(correlation).matches() ? correlation : UUID.randomUUID().toString(),
                purpose.get().name());
        request.configureExecutionInput((input, builder) -> {
            input.getGraphQLContext().put(RequestContext.KEY, context);
            if (caller != null) {
                input.getGraphQLContext().put(CALLER, caller);
            }
            return input;
        });
        return chain.next(request);
    }

    @Override
    public Mono<Object> handleConnectionInitialization(WebSocketSessionInfo session, Map<String, Object> payload) {
        Object header = payload == null ? null
                : payload.getOrDefault("Authorization", payload.get("authorization"));
        if (!(header instanceof String value) || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Mono.error(new IllegalStateException("No bearer token in connection_init"));
        }
        try {
            session.getAttributes().put(CALLER, SecurityConfiguration.caller(decoder.decode(value.substring(7).strip())));
            return Mono.empty();
        } catch (JwtException | IllegalArgumentException e) {
            return Mono.error(new IllegalStateException("Invalid bearer token in connection_init"));
        }
    }
}
