package uk.rxledger.access;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import uk.rxledger.access.AccessPolicy.Target;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The NDJSON export ({@link AccessPolicy#EXPORT_PATH}) admitted by the same {@link AccessGate} as the GraphQL
 * fields: 403 with a GraphQL-shaped FORBIDDEN body when the table refuses (an unknown patient and another practice's
 * patient alike), 400 for an unknown purpose, and the access record written before a byte of history is sent.
 */
class ExportAccessInterceptor implements HandlerInterceptor {

    static final String PATH = "/patients/{patientId}/history.ndjson";

    private final AccessGate gate;

    ExportAccessInterceptor(AccessGate gate) {
        this.gate = gate;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            return true; // the streamed body's second dispatch: admitted (and logged) on the first
        }
        Caller caller = request.getAttribute(RequestContextInterceptor.CALLER) instanceof Caller c ? c : null;
        if (caller == null) { // the security filter chain lets no anonymous request this far; refuse regardless
            ErrorResponses.write(response, HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", "A valid bearer token is required");
            return false;
        }
        Optional<Purpose> purpose = Purpose.of(request.getHeader(Purpose.HEADER));
        if (purpose.isEmpty()) {
            ErrorResponses.write(response, HttpStatus.BAD_REQUEST, "BAD_REQUEST",
                                 Purpose.HEADER + " must be one of " + Purpose.allowed());
            return false;
        }
        @SuppressWarnings("unchecked")
        Map<String, String> variables =
                (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String patientId = variables == null ? null : variables.get("patientId");
        try {
            gate.admit(AccessPolicy.EXPORT_PATH, caller, new Target(patientId, null), AccessPolicy.EXPORT_PATH,
                       purpose.get());
            return true;
        } catch (AccessGate.Denied denied) {
            ErrorResponses.write(response, HttpStatus.FORBIDDEN, "FORBIDDEN", denied.getMessage());
            return false;
        }
    }
}
