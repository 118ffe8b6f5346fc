package uk.rxledger.audit;

import org.bson.Document;
import org.springframework.stereotype.Component;
import uk.rxledger.regimen.PatientEvents;
import uk.rxledger.regimen.PatientView;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The regimen as it stood at an instant, rebuilt from the stored events with the live projection's own pure function
 * ({@link PatientEvents#replay}), never from the live read model.
 * <p>
 * "As it stood" is by recording time: the stream's longest prefix whose events were all stored at or before the
 * instant. A stream only grows at its end, so that prefix is what a reader saw then; stopping at the first later
 * event (rather than filtering) keeps the prefix consistent even if two instances' clocks disagreed slightly.
 */
@Component
public class RegimenAsOf {

    private final PatientStreams streams;

    public RegimenAsOf(PatientStreams streams) {
        this.streams = streams;
    }

    public record AsOf(String patientId, OffsetDateTime asOf, long lastSequence,
                       List<PatientView.LineView> activeMedicines, List<PatientView.AlertView> openAlerts,
                       PatientView view) {
    }

    /** Empty for an unknown patient, or one not registered yet at {@code at}. */
    public Optional<AsOf> at(String patientId, OffsetDateTime at) {
        Instant instant = at.toInstant();
        List<Document> recorded = new ArrayList<>();
        for (Document stored : streams.contiguous(patientId)) {
            if (stored.getDate("recordedAt").toInstant().isAfter(instant)) {
                break;
            }
            recorded.add(stored);
        }
        PatientView view = PatientEvents.replay(streams.deserialize(recorded));
        if (view == null) {
            return Optional.empty();
        }
        return Optional.of(new AsOf(patientId, at, view.lastSeq, view.activeLines(), view.openAlerts(), view));
    }
}
