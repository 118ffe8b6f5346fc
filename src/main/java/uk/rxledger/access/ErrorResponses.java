package uk.rxledger.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** HTTP answers in GraphQL's error shape: {@code {"errors":[{"message":..,"extensions":{"classification":..}}]}}. */
final class ErrorResponses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorResponses() {
    }

    static void write(HttpServletResponse response, HttpStatus status, String classification, String message)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        JSON.writeValue(response.getOutputStream(), Map.of("errors", List.of(
                Map.of("message", message, "extensions", Map.of("classification", classification)))));
    }
}
