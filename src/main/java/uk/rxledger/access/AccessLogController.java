package uk.rxledger.access;

import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;
import uk.rxledger.graphql.Connection;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The contract's {@code accessLog}: who read or changed a patient's data, newest first (auditors; ADR 0012). */
@Controller
public class AccessLogController {

    record Actor(String id, String role) {
    }

    private final AccessLog log;

    public AccessLogController(AccessLog log) {
        this.log = log;
    }

    @QueryMapping
    public Connection<AccessLog.Entry> accessLog(@Argument String patientId, @Argument Integer first,
                                                 @Argument String after) {
        return log.page(patientId, first, after);
    }

    @SchemaMapping(typeName = "AccessRecord")
    public OffsetDateTime at(AccessLog.Entry entry) {
        return entry.at().atOffset(ZoneOffset.UTC);
    }

    @SchemaMapping(typeName = "AccessRecord")
    public Actor actor(AccessLog.Entry entry) {
        return new Actor(entry.actor(), entry.role());
    }
}
