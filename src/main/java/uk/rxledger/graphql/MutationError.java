package uk.rxledger.graphql;

/** A business rejection of a mutation: stable upper-case code, a message for people, the input field at fault. */
public record MutationError(String code, String message, String field) {
}
