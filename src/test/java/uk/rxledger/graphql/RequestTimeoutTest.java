package uk.rxledger.graphql;

import graphql.ExecutionResult;
import org.junit.jupiter.api.Test;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.support.DefaultExecutionGraphQlResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The request timeout: a slow request is answered with a GraphQL error in time; a quick one is untouched. */
class RequestTimeoutTest {

    static WebGraphQlRequest request() {
        return new WebGraphQlRequest(URI.create("http://localhost/graphql"), new HttpHeaders(),
                                     new LinkedMultiValueMap<>(), null, Map.of(), Map.of("query", "{ apiVersion }"),
                                     "1", Locale.ENGLISH);
    }

    static Mono<WebGraphQlResponse> answer(WebGraphQlRequest request, Duration after) {
        ExecutionResult result = ExecutionResult.newExecutionResult().data(Map.of("apiVersion", "1")).build();
        return Mono.delay(after).map(x -> new WebGraphQlResponse(
                new DefaultExecutionGraphQlResponse(request.toExecutionInput(), result)));
    }

    @Test
    void aSlowRequestIsAnsweredWithAnErrorWhenTheTimeoutExpires() {
        RequestTimeout timeout = new RequestTimeout(Duration.ofMillis(200));
        long start = System.nanoTime();
        WebGraphQlResponse slow = timeout.intercept(request(), r -> answer(r, Duration.ofSeconds(5)))
                                         .block(Duration.ofSeconds(3));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(slow.getErrors()).singleElement().satisfies(e -> {
            assertThat(e.getMessage()).contains("did not complete within 200 ms");
            assertThat(String.valueOf(e.getErrorType())).isEqualTo("TIMEOUT");
        });
        WebGraphQlResponse quick = timeout.intercept(request(), r -> answer(r, Duration.ofMillis(10)))
                                          .block(Duration.ofSeconds(3));
        assertThat(quick.getErrors()).isEmpty();
        String version = quick.field("apiVersion").getValue();
        assertThat(version).isEqualTo("1");
    }
}
