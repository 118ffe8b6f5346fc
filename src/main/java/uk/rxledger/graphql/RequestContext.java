package uk.rxledger.graphql;

import uk.rxledger.eventstore.EventMetadata;

/**
 * Who sent a GraphQL request and which request it is, as every command's audit metadata needs it.
 */
public record RequestContext(String actor, String role, String correlationId, String purposeOfUse) {

    /** Key of this record in the GraphQL context. */
    public static final String KEY = "rxledger.requestContext";

    public EventMetadata metadata(String reason) {
        return new EventMetadata(actor, role, reason, correlationId);
    }
}
