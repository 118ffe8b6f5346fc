package uk.rxledger.audit;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import uk.rxledger.audit.RegimenHistory.HistoryEvent;
import uk.rxledger.graphql.Connection;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.MedicineDispensed;
import uk.rxledger.regimen.PatientRegimen;
import uk.rxledger.regimen.PatientRegistered;
import uk.rxledger.regimen.Sex;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** totalCount (the storage engine's last-sequence search) and Relay paging over streams of awkward lengths. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RegimenHistoryPagingTest {

    @Autowired
    EventStore eventStore;
    @Autowired
    RegimenHistory history;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 17, 32, 33, 34, 100, 257, 1025})
    void everyEventIsCountedAndPagedExactlyOnce(int length) {
        String patientId = "paging-" + length + "-" + UUID.randomUUID();
        List<DomainEventMessage<?>> stream = new ArrayList<>();
        stream.add(message(patientId, 0, new PatientRegistered(patientId, "A81001", null, LocalDate.of(1950, 1, 1),
                                                               Sex.OTHER, false, Frailty.NONE)));
        for (int s = 1; s < length; s++) {
            stream.add(message(patientId, s, new MedicineDispensed(patientId, "L1", 1, LocalDate.of(2020, 1, 1))));
        }
        eventStore.publish(stream);

        List<Long> sequences = new ArrayList<>();
        String after = null;
        do {
            Connection<HistoryEvent> page = history.page(patientId, 100, after).orElseThrow();
            assertThat(page.totalCount()).isEqualTo(length);
            page.edges().forEach(e -> sequences.add(e.node().sequence()));
            after = page.pageInfo().hasNextPage() ? page.pageInfo().endCursor() : null;
        } while (after != null);
        assertThat(sequences).hasSize(length);
        for (int i = 0; i < length; i++) {
            assertThat(sequences.get(i)).isEqualTo(i);
        }
    }

    private static DomainEventMessage<?> message(String patientId, long sequence, Object payload) {
        return new GenericDomainEventMessage<>(PatientRegimen.class.getSimpleName(), patientId, sequence, payload,
                                               MetaData.with("actor", "test"));
    }
}
