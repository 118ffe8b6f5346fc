package uk.rxledger.graphql;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.scalars.ExtendedScalars;
import graphql.schema.DataFetchingEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import graphql.execution.instrumentation.Instrumentation;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;
import org.springframework.graphql.server.WebGraphQlInterceptor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scalars and the error convention (ADR 0004): business rejections are payload errors (see the controllers); a
 * malformed request is a GraphQL error classified BAD_REQUEST, never INTERNAL_ERROR.
 */
@Configuration(proxyBeanMethods = false)
public class GraphQlConfiguration {

    private static final Logger log = LoggerFactory.getLogger(GraphQlConfiguration.class);

    /**
     * graphql-java's own classifications for documents and variables that do not fit the schema, for documents
     * aborted by the depth and size limits, and for introspection where it is off (the prod profile).
     */
    private static final Set<String> CALLER_ERRORS = Set.of("ValidationError", "InvalidSyntax", "OperationNotSupported",
                                                            "ExecutionAborted", "IntrospectionDisabled");

    /** The deepest field accepted, a top-level field being level 1 (ADR 0012; the contract's deepest is at 5). */
    public static final int MAX_DEPTH = 12;
    /** The most fields an operation may select, fragments expanded (ADR 0012; the contract's largest has about 60). */
    public static final int MAX_FIELDS = 2000;

    /** The contract's scalars; {@code Date} is our strict ISO-8601 date ({@link StrictDate}), the rest extended-scalars'. */
    @Bean
    RuntimeWiringConfigurer scalars() {
        return wiring -> wiring
                .scalar(StrictDate.SCALAR)
                .scalar(ExtendedScalars.DateTime)
                .scalar(ExtendedScalars.GraphQLLong)
                .scalar(ExtendedScalars.Json);
    }

    /** Deeper than {@link #MAX_DEPTH} or more fields than {@link #MAX_FIELDS}: a BAD_REQUEST ({@link QueryLimits}). */
    @Bean
    Instrumentation queryLimits() {
        return new QueryLimits(MAX_DEPTH, MAX_FIELDS);
    }

    /**
     * A request that has not answered within {@code rxledger.graphql.request-timeout} gets a GraphQL error instead
     * of its result (the work it started is not undone: a mutation may still complete).
     */
    @Bean
    WebGraphQlInterceptor requestTimeout(@Value("${rxledger.graphql.request-timeout:30s}") Duration timeout) {
        return new RequestTimeout(timeout);
    }

    @Bean
    DataFetcherExceptionResolverAdapter errorResolver() {
        return new DataFetcherExceptionResolverAdapter() {
            @Override
            protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment env) {
                if (ex instanceof BadRequest) {
                    return error(ErrorType.BAD_REQUEST, ex.getMessage(), env);
                }
                if (ex instanceof org.springframework.beans.TypeMismatchException
                        || ex instanceof org.springframework.validation.BindException) {
                    return error(ErrorType.BAD_REQUEST, "Invalid argument: " + ex.getMessage(), env);
                }
                log.error("Unexpected failure in {}", env.getField().getName(), ex);
                return error(ErrorType.INTERNAL_ERROR, "The server failed to answer this field", env);
            }
        };
    }

    private static GraphQLError error(ErrorType type, String message, DataFetchingEnvironment env) {
        return GraphqlErrorBuilder.newError(env).errorType(type).message(message).build();
    }

    /** Re-classifies graphql-java's validation and syntax errors as the contract's BAD_REQUEST. */
    @Bean
    WebGraphQlInterceptor callerErrorClassification() {
        return (request, chain) -> chain.next(request).map(response -> {
            if (response.getErrors().stream().noneMatch(GraphQlConfiguration::isCallerError)) {
                return response;
            }
            return response.transform(builder -> builder.errors(
                    response.getErrors().stream().map(GraphQlConfiguration::reclassified).toList()));
        });
    }

    private static boolean isCallerError(ResponseError error) {
        return CALLER_ERRORS.contains(String.valueOf(error.getErrorType()));
    }

    private static GraphQLError reclassified(ResponseError error) {
        GraphqlErrorBuilder<?> builder = GraphqlErrorBuilder.newError()
                .message(error.getMessage())
                .errorType(isCallerError(error) ? ErrorType.BAD_REQUEST : error.getErrorType())
                .locations(error.getLocations());
        if (!error.getParsedPath().isEmpty()) {
            builder.path(error.getParsedPath());
        }
        Map<String, Object> extensions = error.getExtensions();
        if (extensions != null && !extensions.isEmpty()) {
            extensions.forEach((k, v) -> {
                if (!"classification".equals(k)) {
                    builder.extensions(Map.of(k, v));
                }
            });
        }
        return builder.build();
    }
}
