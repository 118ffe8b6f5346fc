package uk.rxledger.graphql;

import graphql.ExecutionResult;
import graphql.GraphqlErrorBuilder;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.support.DefaultExecutionGraphQlResponse;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Answers a GraphQL request that takes longer than the timeout with an INTERNAL_ERROR ("did not complete in time"):
 * a server condition, not something the caller did, since depth and complexity are limited. Subscriptions
 * (WebSocket) are long-lived by design and not limited.
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
        return errorResponse(request, ErrorType.INTERNAL_ERROR,
                             "The request did not complete within " + timeout.toMillis() + " ms");
    }

    /** An answer to the request that is one GraphQL error and no data, without executing it. */
    public static WebGraphQlResponse errorResponse(WebGraphQlRequest request, ErrorType type, String message) {
        ExecutionResult result = ExecutionResult.newExecutionResult()
                .addError(GraphqlErrorBuilder.newError().errorType(type).message(message).build()).build();
        return new WebGraphQlResponse(new DefaultExecutionGraphQlResponse(request.toExecutionInput(), result));
    }
}
