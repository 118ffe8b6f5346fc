package uk.rxledger.graphql;

import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Puts the {@link RequestContext} into every GraphQL request: the caller's correlation id when it is well formed
 * (else a new one), the declared purpose of use, and the actor. Until token authentication is in place the actor
 * is taken from {@code X-Actor-Id}/{@code X-Actor-Role} and defaults to an anonymous one.
 */
@Component
public class RequestContextInterceptor implements WebGraphQlInterceptor {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");
    private static final Pattern UPPER = Pattern.compile("[A-Z_]{1,32}");

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        var headers = request.getHeaders();
        RequestContext context = new RequestContext(
                valid(headers.getFirst("X-Actor-Id"), TOKEN, "anonymous"),
                valid(headers.getFirst("X-Actor-Role"), UPPER, "UNAUTHENTICATED"),
                valid(headers.getFirst("X-Correlation-Id"), TOKEN, UUID.randomUUID().toString()),
                valid(headers.getFirst("X-Purpose-Of-Use"), UPPER, "DIRECT_CARE"));
        request.configureExecutionInput((input, builder) -> {
            input.getGraphQLContext().put(RequestContext.KEY, context);
            return input;
        });
        return chain.next(request);
    }

    private static String valid(String value, Pattern pattern, String fallback) {
        return value != null && pattern.matcher(value).matches() ? value : fallback;
    }
}
