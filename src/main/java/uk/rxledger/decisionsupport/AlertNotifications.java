package uk.rxledger.decisionsupport;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import uk.rxledger.regimen.AlertRaised;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;

/**
 * Pushes raised alerts to GraphQL subscribers. Its processor runs on every instance with an in-memory token from
 * the head of the stream (see DecisionSupportConfiguration), so each instance sees every new alert whoever raised it.
 */
@Component
// Replaying would re-evaluate (or re-announce) history: these react to new events only.
@DisallowReplay
@ProcessingGroup(AlertNotifications.PROCESSING_GROUP)
public class AlertNotifications {

    public static final String PROCESSING_GROUP = "alert-notifications";

    /** A raised alert for a practice's subscribers. */
    public record AlertNotification(String patientId, String practice, PatientView.AlertView alert) {
    }

    private final Sinks.Many<AlertNotification> sink = Sinks.many().multicast().directBestEffort();
    private final PatientProjection patients;

    public AlertNotifications(PatientProjection patients) {
        this.patients = patients;
    }

    @EventHandler
    void on(AlertRaised event) {
        patients.find(event.patientId()).ifPresent(patient -> sink.emitNext(
                new AlertNotification(event.patientId(), patient.practice, PatientView.AlertView.raised(event)),
                Sinks.EmitFailureHandler.busyLooping(java.time.Duration.ofMillis(100))));
    }

    public Flux<AlertNotification> forPractice(String practice) {
        return sink.asFlux().filter(n -> practice.equals(n.practice()));
    }
}
