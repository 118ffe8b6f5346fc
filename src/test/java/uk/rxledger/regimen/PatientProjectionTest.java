package uk.rxledger.regimen;

import org.junit.jupiter.api.BeforeEach;
import uk.rxledger.support.EmbeddedMongo;
import org.junit.jupiter.api.Test;
import uk.rxledger.projection.ProjectionProgress;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/** The patient read model applies each event once: redelivered or replayed events change nothing. */
class PatientProjectionTest {

    private PatientProjection projection;

    @BeforeEach
    void setUp() {
        projection = new PatientProjection(EmbeddedMongo.freshDatabase("projection"), new ProjectionProgress());
    }

    @Test
    void redeliveredEventsAreAppliedOnce() {
        LocalDate day = LocalDate.of(2026, 1, 10);
        PatientRegistered registered = new PatientRegistered("p", "A81001", "U12345", LocalDate.of(1950, 1, 1),
                                                             Sex.FEMALE, false, Frailty.NONE);
        MedicineStarted started = new MedicineStarted("p", "L1", "0103050P0AAAAAA", 1, 1, day, null, null);
        MedicineDispensed dispensed = new MedicineDispensed("p", "L1", 28, day);
        ObservationRecorded observed = new ObservationRecorded("p", ObservationKind.EGFR, day, 40.0, "mL/min/1.73m2");

        for (int delivery = 0; delivery < 2; delivery++) {
            projection.on(registered, 0);
            projection.on(started, 1);
            projection.on(dispensed, 2);
            projection.on(observed, 3);
        }
        projection.on(dispensed, 2); // a late redelivery of an earlier event

        PatientView view = projection.find("p").orElseThrow();
        assertThat(view.lastSeq).isEqualTo(3);
        assertThat(view.lines).hasSize(1);
        assertThat(view.lines.get(0).unitsDispensed).isEqualTo(28.0);
        assertThat(view.lines.get(0).lastDispensedOn).isEqualTo(day);
        assertThat(view.observations).hasSize(1);
        assertThat(view.birthDate).isEqualTo(LocalDate.of(1950, 1, 1));
        assertThat(view.sex).isEqualTo(Sex.FEMALE);
    }

    @Test
    void eventsForAnUnknownPatientAreIgnored() {
        projection.on(new MedicineDispensed("ghost", "L1", 28, LocalDate.of(2026, 1, 1)), 5);
        assertThat(projection.find("ghost")).isEmpty();
    }

    @Test
    void recordingAConditionAgainWithTheSameOnsetUpdatesIt() {
        projection.on(new PatientRegistered("p", "A81001", null, LocalDate.of(1950, 1, 1), Sex.MALE, false,
                                            Frailty.NONE), 0);
        LocalDate onset = LocalDate.of(2020, 5, 1);
        projection.on(new ConditionRecorded("p", Condition.ASTHMA, onset, null), 1);
        projection.on(new ConditionRecorded("p", Condition.ASTHMA, onset, LocalDate.of(2024, 1, 1)), 2);
        PatientView view = projection.find("p").orElseThrow();
        assertThat(view.conditions).hasSize(1);
        assertThat(view.conditions.get(0).resolvedOn).isEqualTo(LocalDate.of(2024, 1, 1));
    }
}
