package uk.rxledger.access;

import org.junit.jupiter.api.Test;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.graphql.Connection;
import uk.rxledger.support.EmbeddedMongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The access log's storage: every record kept, pages newest first across buckets, cursors, hostile ids. */
class AccessLogTest {

    final AccessLog log = new AccessLog(EmbeddedMongo.freshDatabase("access-log-test"));

    @Test
    void pagesNewestFirstAcrossBuckets() {
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        int total = AccessLog.BUCKET + 57;
        for (int i = 0; i < total; i++) {
            log.record(t0.plusSeconds(i), "u-" + (i % 3), "CLINICIAN", "p-1", "PatientRegimen", "DIRECT_CARE");
        }
        log.record(t0, "u-9", "AUDITOR", "p-2", "AccessLog", "AUDIT");

        List<Long> seen = new ArrayList<>();
        String after = null;
        Connection<AccessLog.Entry> page;
        do {
            page = log.page("p-1", 100, after);
            page.edges().forEach(e -> seen.add(e.node().sequence()));
            after = page.pageInfo().endCursor();
        } while (page.pageInfo().hasNextPage());
        assertThat(seen).hasSize(total).first().isEqualTo((long) total - 1);
        assertThat(seen).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        AccessLog.Entry newest = log.page("p-1", 1, null).edges().get(0).node();
        assertThat(newest.at()).isEqualTo(t0.plusSeconds(total - 1));
        assertThat(newest.operation()).isEqualTo("PatientRegimen");
        assertThat(log.page("p-2", null, null).edges()).hasSize(1);
    }

    @Test
    void hostileIdsAndCursorsAreOnlyValues() {
        for (String id : List.of("{\"$ne\": null}", "$where", "a\u0000b", "é\uD83D\uDE00", "x".repeat(5000))) {
            log.record(Instant.now(), "u-1", "AUDITOR", id, "AccessLog", "AUDIT");
            assertThat(log.page(id, null, null).edges()).as(id).hasSize(1);
        }
        assertThat(log.page("{\"$ne\": null}", null, null).totalCount()).isEqualTo(1);
        assertThat(log.page("nobody", null, null).edges()).isEmpty();
        assertThatThrownBy(() -> log.page("p-1", null, "{\"$gt\": \"\"}")).isInstanceOf(BadRequest.class);
        assertThatThrownBy(() -> log.page("p-1", 101, null)).isInstanceOf(BadRequest.class);
    }
}
