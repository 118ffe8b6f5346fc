package uk.rxledger.graphql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Relay paging over an ordered list: {@code first} defaults to 20 and may be at most 100 (more is a BAD_REQUEST,
 * not a silent cap); cursors are opaque (base64 of the position).
 */
public final class Pagination {

    public static final int DEFAULT_PAGE = 20;
    public static final int MAX_PAGE = 100;
    private static final String PREFIX = "pos:";

    private Pagination() {
    }

    public static int pageSize(Integer first) {
        if (first == null) {
            return DEFAULT_PAGE;
        }
        if (first < 0) {
            throw new BadRequest("first must not be negative");
        }
        if (first > MAX_PAGE) {
            throw new BadRequest("first must be at most " + MAX_PAGE + " (was " + first + ")");
        }
        return first;
    }

    /** The position after which a page starts: -1 without a cursor. */
    public static long position(String after) {
        if (after == null) {
            return -1;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8);
            if (!decoded.startsWith(PREFIX)) {
                throw new BadRequest("Unreadable cursor");
            }
            long position = Long.parseLong(decoded.substring(PREFIX.length()));
            if (position < 0) {
                throw new BadRequest("Unreadable cursor");
            }
            return position;
        } catch (IllegalArgumentException e) {
            throw new BadRequest("Unreadable cursor");
        }
    }

    public static String cursor(long position) {
        return Base64.getUrlEncoder().withoutPadding()
                     .encodeToString((PREFIX + position).getBytes(StandardCharsets.UTF_8));
    }

    /** One page of an in-memory list. */
    public static <T> Connection<T> page(List<T> items, Integer first, String after) {
        int size = pageSize(first);
        long start = position(after) + 1;
        List<Connection.Edge<T>> edges = new ArrayList<>();
        for (long i = start; i < items.size() && edges.size() < size; i++) {
            edges.add(new Connection.Edge<>(cursor(i), items.get((int) i)));
        }
        boolean hasNext = start + edges.size() < items.size();
        return new Connection<>(edges, pageInfo(edges, hasNext, start > 0), items.size());
    }

    public static <T> Connection.PageInfo pageInfo(List<Connection.Edge<T>> edges, boolean hasNext,
                                                   boolean hasPrevious) {
        return new Connection.PageInfo(hasNext, hasPrevious,
                                       edges.isEmpty() ? null : edges.get(0).cursor(),
                                       edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor());
    }
}
