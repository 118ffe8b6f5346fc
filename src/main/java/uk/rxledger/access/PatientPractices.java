package uk.rxledger.access;

import uk.rxledger.audit.PatientStreams;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientRegistered;

import java.util.Optional;
import java.util.function.Function;

/**
 * A patient's practice for {@link AccessPolicy}: from the patient read model, or, when the read model does not have
 * the patient (being rebuilt, or behind on another instance), from the stream's registration event itself. Both
 * are key lookups; an unknown patient is empty.
 */
final class PatientPractices implements Function<String, Optional<String>> {

    private final PatientProjection patients;
    private final PatientStreams streams;

    PatientPractices(PatientProjection patients, PatientStreams streams) {
        this.patients = patients;
        this.streams = streams;
    }

    @Override
    public Optional<String> apply(String patientId) {
        if (patientId == null) {
            return Optional.empty();
        }
        Optional<String> projected = patients.practiceOf(patientId);
        if (projected.isPresent()) {
            return projected;
        }
        return streams.deserialize(streams.window(patientId, 0, 1)).stream()
                      .filter(PatientRegistered.class::isInstance).map(PatientRegistered.class::cast)
                      .map(PatientRegistered::practice).findFirst();
    }
}
