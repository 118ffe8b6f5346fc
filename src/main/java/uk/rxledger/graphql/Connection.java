package uk.rxledger.graphql;

import java.util.List;

/** A Relay connection with the total count the frontends show ("12 stopped medicines"). */
public record Connection<T>(List<Edge<T>> edges, PageInfo pageInfo, long totalCount) {

    public record Edge<T>(String cursor, T node) {
    }

    public record PageInfo(boolean hasNextPage, boolean hasPreviousPage, String startCursor, String endCursor) {
    }
}
