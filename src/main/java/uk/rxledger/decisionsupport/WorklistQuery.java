package uk.rxledger.decisionsupport;

import com.mongodb.client.model.Filters;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.graphql.Connection;
import uk.rxledger.graphql.Pagination;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Pages through a practice's worklist by (priorityScore desc, patient id asc) with keyset cursors, so entries moving
 * between requests are neither skipped nor repeated by position.
 * <p>
 * Served from a sorted snapshot of the practice's entries held in memory and refreshed in the background once it is
 * older than {@code rxledger.worklist.max-staleness-ms}: the contract lets population queries lag by a few seconds,
 * and on the embedded server any query of the worklist collection scans it whole (ADR 0006). A request only waits
 * for the first load of a practice.
 */
@Component
public class WorklistQuery {

    /** The contract's worklist filter. */
    public record WorklistFilter(Boolean smrEligible, Boolean hasOpenAlerts, Integer minActiveMedicines,
                                 String category) {
    }

    private static final String PREFIX = "wl:";
    static final Comparator<WorklistEntry> ORDER = Comparator.comparingDouble((WorklistEntry e) -> -e.priorityScore)
                                                             .thenComparing(e -> e.id);

    private record Snapshot(List<WorklistEntry> sorted, long loadedAt, AtomicBoolean refreshing) {
    }

    private final WorklistProjection worklist;
    private final long maxStalenessMillis;
    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "worklist-refresh");
        thread.setDaemon(true);
        return thread;
    });

    public WorklistQuery(WorklistProjection worklist,
                         @Value("${rxledger.worklist.max-staleness-ms:1000}") long maxStalenessMillis) {
        this.worklist = worklist;
        this.maxStalenessMillis = maxStalenessMillis;
    }

    public Connection<WorklistEntry> page(String practice, WorklistFilter filter, Integer first, String after) {
        int size = Pagination.pageSize(first);
        Predicate<WorklistEntry> matching = matching(filter);
        Predicate<WorklistEntry> afterCursor = after == null ? e -> true : after(after);
        List<WorklistEntry> entries = snapshot(practice.strip().toUpperCase(Locale.ROOT)).sorted();
        List<Connection.Edge<WorklistEntry>> edges = new ArrayList<>(size);
        long total = 0;
        boolean hasNext = false;
        for (WorklistEntry entry : entries) {
            if (!matching.test(entry)) {
                continue;
            }
            total++;
            if (afterCursor.test(entry)) {
                if (edges.size() < size) {
                    edges.add(new Connection.Edge<>(cursor(entry), entry));
                } else {
                    hasNext = true;
                }
            }
        }
        return new Connection<>(edges, Pagination.pageInfo(edges, hasNext, after != null), total);
    }

    private Snapshot snapshot(String practice) {
        Snapshot current = snapshots.get(practice);
        if (current == null) {
            return snapshots.computeIfAbsent(practice, this::load);
        }
        if (System.currentTimeMillis() - current.loadedAt() > maxStalenessMillis
                && current.refreshing().compareAndSet(false, true)) {
            refresher.submit(() -> snapshots.put(practice, load(practice)));
        }
        return current;
    }

    private Snapshot load(String practice) {
        List<WorklistEntry> entries = worklist.entries().find(Filters.eq("practice", practice))
                                              .into(new ArrayList<>());
        entries.sort(ORDER);
        return new Snapshot(List.copyOf(entries), System.currentTimeMillis(), new AtomicBoolean());
    }

    private static Predicate<WorklistEntry> matching(WorklistFilter filter) {
        if (filter == null) {
            return e -> true;
        }
        return e -> (filter.smrEligible() == null || e.smrEligible == filter.smrEligible())
                && (filter.hasOpenAlerts() == null || (e.openAlertCount > 0) == filter.hasOpenAlerts())
                && (filter.minActiveMedicines() == null || e.activeMedicineCount >= filter.minActiveMedicines())
                && (filter.category() == null || e.openCategories.contains(filter.category()));
    }

    private static String cursor(WorklistEntry entry) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (PREFIX + entry.priorityScore + ":" + entry.id).getBytes(StandardCharsets.UTF_8));
    }

    /** Entries after the cursor's (score, id) in worklist order. */
    private static Predicate<WorklistEntry> after(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!decoded.startsWith(PREFIX)) {
                throw new BadRequest("Unreadable cursor");
            }
            String rest = decoded.substring(PREFIX.length());
            int colon = rest.indexOf(':');
            double score = Double.parseDouble(rest.substring(0, colon));
            String id = rest.substring(colon + 1);
            return e -> e.priorityScore < score || (e.priorityScore == score && e.id.compareTo(id) > 0);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new BadRequest("Unreadable cursor");
        }
    }

    @jakarta.annotation.PreDestroy
    void shutdown() {
        refresher.shutdownNow();
    }
}
