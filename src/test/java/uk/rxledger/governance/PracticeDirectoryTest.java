package uk.rxledger.governance;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import uk.rxledger.support.EmbeddedMongo;

import static org.assertj.core.api.Assertions.assertThat;

/** Metric labels stay bounded: ODS codes only, and no more practices than the budget. */
class PracticeDirectoryTest {

    @Test
    void onlyWellFormedCodesWithinThePracticeBudgetBecomeLabels() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PracticeDirectory directory = new PracticeDirectory(EmbeddedMongo.freshDatabase("practice-directory"), null,
                                                            registry, 2, 100);

        assertThat(directory.bounded("A81001", "U12345")).isEqualTo(new PracticeTags("A81001", "U12345"));
        assertThat(directory.bounded("B81002", null)).isEqualTo(new PracticeTags("B81002", "NONE"));
        assertThat(directory.bounded("A81001", "U12345")).isEqualTo(new PracticeTags("A81001", "U12345"));
        // a third practice is over the budget of two: folded into OTHER and counted
        assertThat(directory.bounded("C81003", "U12345")).isEqualTo(new PracticeTags("OTHER", "U12345"));
        assertThat(registry.get("rxledger.metrics.practice.overflow").counter().count()).isEqualTo(1);
        // never a free-text value in a label
        assertThat(directory.bounded("patient 42", "u1")).isEqualTo(new PracticeTags("OTHER", "OTHER"));
    }
}
