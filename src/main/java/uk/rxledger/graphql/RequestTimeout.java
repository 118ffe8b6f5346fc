package uk.rxledger.graphql;

import graphql.ErrorClassification;
import graphql.ExecutionResult;
import graphql.GraphqlErrorBuilder;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.support.DefaultExecutionGraphQlResponse;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Answers a GraphQL request that takes longer than the timeout with an error classified {@code TIMEOUT}: a server
 * condition (depth and complexity are limited), not INTERNAL_ERROR, so a client can tell it apart and knows the
 * outcome of a mutation is unknown (the work is not cancelled and may still complete: read before retrying).
 * Subscriptions (WebSocket) are long-lived by design and not limited.
 */
public final class RequestTimeout implements WebGraphQlInterceptor {

    private final Duration timeout;

    RequestTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        if (request instanceof org.springframework.graphql.server.WebSocketGraphQlRequest) {
            return chain.next(request);
        }
        return chain.next(request).timeout(timeout, Mono.fromSupplier(() -> timedOut(request)));
    }

    private WebGraphQlResponse timedOut(WebGraphQlRequest request) {
        return errorResponse(request, TIMEOUT, "The request did not complete within " + timeout.toMillis()
                + " ms; a change it asked for may still complete, so read before retrying");
    }

    public static final ErrorClassification TIMEOUT = ErrorClassification.errorClassification("TIMEOUT");

    /** An answer to the request that is one GraphQL error and no data, without executing it. */
    public static WebGraphQlResponse errorResponse(WebGraphQlRequest request, ErrorClassification type, String message) {
        ExecutionResult result = ExecutionResult.newExecutionResult()
                .addError(GraphqlErrorBuilder.newError().errorType(type).message(message).build()).build();
        return new WebGraphQlResponse(new DefaultExecutionGraphQlResponse(request.toExecutionInput(), result));
    }
}
