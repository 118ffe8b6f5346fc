package uk.rxledger.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.databind.SerializationFeature;
import uk.rxledger.access.Role;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends the contract's own GraphQL documents (our copy in src/test/resources/contract) to a running server over real
 * HTTP, selecting the operation by name, as the frontends do; {@link #as} authenticates it with a minted token.
 * Clients are immutable: {@link #header} and {@link #as} return a new one.
 */
public final class ContractClient {

    private static final Path OPERATIONS = Path.of("src/test/resources/contract/operations");
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final HttpClient http;
    private final URI endpoint;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ContractClient(int port) {
        this.endpoint = URI.create("http://127.0.0.1:" + port + "/graphql");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private ContractClient(ContractClient other) {
        this.endpoint = other.endpoint;
        this.http = other.http;
        this.headers.putAll(other.headers);
    }

    /** A client sending {@code name: value} with every request (this one is unchanged). */
    public ContractClient header(String name, String value) {
        ContractClient copy = new ContractClient(this);
        copy.headers.put(name, value);
        return copy;
    }

    /** This client authenticated as {@code sub} in {@code role} for {@code practices}, with a token minted for the test profile. */
    public ContractClient as(String sub, Role role, String... practices) {
        return header("Authorization", TestTokens.bearer(TestTokens.token(sub, role, practices)));
    }

    /** This client authenticated in {@code role} for {@code practices}, under a subject named after them. */
    public ContractClient as(Role role, String... practices) {
        return as(TestTokens.defaultSubject(role, practices), role, practices);
    }

    public static String document(String file) {
        try {
            return Files.readString(OPERATIONS.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs operation {@code operation} of contract file {@code file}; returns the whole response (data + errors). */
    public JsonNode run(String file, String operation, Map<String, ?> variables) {
        return post(document(file), operation, variables);
    }

    /** Runs an operation's {@code input} mutation and returns its payload (asserting no GraphQL errors). */
    public JsonNode mutate(String file, String operation, Map<String, ?> input) {
        JsonNode response = run(file, operation, Map.of("input", input));
        if (response.has("errors")) {
            throw new AssertionError(operation + " failed: " + response.get("errors"));
        }
        JsonNode data = response.get("data");
        return data.get(data.fieldNames().next());
    }

    public JsonNode post(String query, String operation, Map<String, ?> variables) {
        HttpResponse<String> response = exchange(query, operation, variables);
        if (response.statusCode() != 200) {
            throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a contract operation and returns the HTTP response whatever its status (401s included). */
    public HttpResponse<String> send(String file, String operation, Map<String, ?> variables) {
        return exchange(document(file), operation, variables);
    }

    /** Posts a document and returns the HTTP response whatever its status. */
    public HttpResponse<String> exchange(String query, String operation, Map<String, ?> variables) {
        Map<String, Object> body = new HashMap<>();
        body.put("query", query);
        if (operation != null) {
            body.put("operationName", operation);
        }
        body.put("variables", variables == null ? Map.of() : variables);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            headers.forEach(request::header);
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
