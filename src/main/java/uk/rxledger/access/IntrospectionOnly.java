package uk.rxledger.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.parser.Parser;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;
import uk.rxledger.graphql.Introspections;

/**
 * Matches a GraphQL request that only introspects ({@link Introspections}): what GraphiQL and schema tools send
 * before a token is entered. Reads the body {@link RequestBodyLimit} kept; anything unreadable does not match (and
 * so needs a token).
 */
final class IntrospectionOnly implements RequestMatcher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String path;

    IntrospectionOnly(String path) {
        this.path = path;
    }

    @Override
    public boolean matches(HttpServletRequest request) {
        if (!path.equals(request.getRequestURI().substring(request.getContextPath().length()))) {
            return false;
        }
        try {
            String query;
            if ("GET".equals(request.getMethod())) {
                query = request.getParameter("query");
            } else if (request.getAttribute(RequestBodyLimit.BODY) instanceof byte[] body) {
                JsonNode json = JSON.readTree(body);
                query = json == null || !json.path("query").isTextual() ? null : json.get("query").asText();
            } else {
                return false;
            }
            return query != null && Introspections.introspectionOnly(Parser.parse(query));
        } catch (Exception unreadable) {
            return false;
        }
    }
}
