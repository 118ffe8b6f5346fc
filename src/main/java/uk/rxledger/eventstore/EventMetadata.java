package uk.rxledger.eventstore;

import org.axonframework.messaging.MetaData;

import java.util.HashMap;
import java.util.Map;

/**
 * The audit metadata every command carries and every event it causes inherits (via
 * {@code SimpleCorrelationDataProvider}): who, in which role, why, and the request it belongs to.
 */
public record EventMetadata(String actor, String role, String reason, String correlationId) {

    public static final String ACTOR = "actor";
    public static final String ROLE = "role";
    public static final String REASON = "reason";
    public static final String CORRELATION_ID = "correlationId";

    public static final String[] KEYS = {ACTOR, ROLE, REASON, CORRELATION_ID};

    public MetaData toMetaData() {
        Map<String, Object> values = new HashMap<>();
        values.put(ACTOR, actor);
        values.put(ROLE, role);
        values.put(CORRELATION_ID, correlationId);
        if (reason != null) {
            values.put(REASON, reason);
        }
        return MetaData.from(values);
    }

    public EventMetadata withReason(String reason) {
        return new EventMetadata(actor, role, reason, correlationId);
    }
}
