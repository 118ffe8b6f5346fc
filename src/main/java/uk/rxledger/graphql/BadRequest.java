package uk.rxledger.graphql;

/** A malformed request (bad page size, unreadable cursor, ...): a GraphQL error classified BAD_REQUEST. */
public class BadRequest extends RuntimeException {
    public BadRequest(String message) {
        super(message, null, false, false);
    }
}
