package uk.rxledger.decisionsupport;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.graphql.Connection;
import uk.rxledger.graphql.Pagination;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Pages through a practice's worklist by (priorityScore desc, patient id asc) with keyset cursors, so a page costs
 * the same however deep it is and entries moving between requests are neither skipped nor repeated by position.
 */
@Component
public class WorklistQuery {

    /** The contract's worklist filter. */
    public record WorklistFilter(Boolean smrEligible, Boolean hasOpenAlerts, Integer minActiveMedicines,
                                 String category) {
    }

    private static final String PREFIX = "wl:";

    private final WorklistProjection worklist;

    public WorklistQuery(WorklistProjection worklist) {
        this.worklist = worklist;
    }

    public Connection<WorklistEntry> page(String practice, WorklistFilter filter, Integer first, String after) {
        int size = Pagination.pageSize(first);
        Bson where = filter(practice.strip().toUpperCase(java.util.Locale.ROOT), filter);
        Bson page = after == null ? where : Filters.and(where, after(after));
        List<WorklistEntry> found = worklist.entries().find(page)
                .sort(Sorts.orderBy(Sorts.descending("priorityScore"), Sorts.ascending("_id")))
                .limit(size + 1).into(new ArrayList<>());
        boolean hasNext = found.size() > size;
        List<Connection.Edge<WorklistEntry>> edges = found.stream().limit(size)
                .map(e -> new Connection.Edge<>(cursor(e), e)).toList();
        long total = worklist.entries().countDocuments(where);
        return new Connection<>(edges, Pagination.pageInfo(edges, hasNext, after != null), total);
    }

    private static Bson filter(String practice, WorklistFilter filter) {
        List<Bson> conditions = new ArrayList<>();
        conditions.add(Filters.eq("practice", practice));
        if (filter != null) {
            if (filter.smrEligible() != null) {
                conditions.add(Filters.eq("smrEligible", filter.smrEligible()));
            }
            if (filter.hasOpenAlerts() != null) {
                conditions.add(filter.hasOpenAlerts() ? Filters.gt("openAlertCount", 0)
                                                      : Filters.eq("openAlertCount", 0));
            }
            if (filter.minActiveMedicines() != null) {
                conditions.add(Filters.gte("activeMedicineCount", filter.minActiveMedicines()));
            }
            if (filter.category() != null) {
                conditions.add(Filters.eq("openCategories", filter.category()));
            }
        }
        return Filters.and(conditions);
    }

    private static String cursor(WorklistEntry entry) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (PREFIX + entry.priorityScore + ":" + entry.id).getBytes(StandardCharsets.UTF_8));
    }

    private static Bson after(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!decoded.startsWith(PREFIX)) {
                throw new BadRequest("Unreadable cursor");
            }
            String rest = decoded.substring(PREFIX.length());
            int colon = rest.indexOf(':');
            double score = Double.parseDouble(rest.substring(0, colon));
            String id = rest.substring(colon + 1);
            return Filters.or(Filters.lt("priorityScore", score),
                              Filters.and(Filters.eq("priorityScore", score), Filters.gt("_id", id)));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new BadRequest("Unreadable cursor");
        }
    }
}
