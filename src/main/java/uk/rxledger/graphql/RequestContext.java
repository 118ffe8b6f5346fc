package uk.rxledger.graphql;

import uk.rxledger.eventstore.EventMetadata;

/**
 * Who sent a GraphQL request and which request it is, as every command's audit metadata needs it: the authenticated
 * subject ({@code sub}), the role that was granted the operation (set per top-level field by access control, ADR
 * 0012), the correlation id and the declared purpose of use.
 */
public record RequestContext(String actor, String role, String correlationId, String purposeOfUse) {

    /** Key of this record in the GraphQL context. */
    public static final String KEY = "rxledger.requestContext";

    public EventMetadata metadata(String reason) {
        return new EventMetadata(actor, role, reason, correlationId);
    }

    /** The same request, acting in {@code grantedRole}. */
    public RequestContext withRole(String grantedRole) {
        return new RequestContext(actor, grantedRole, correlationId, purposeOfUse);
    }
}
