package uk.rxledger.audit;

import org.bson.Document;
import org.springframework.stereotype.Component;
import uk.rxledger.eventstore.EventHashChain;

import java.util.Objects;
import java.util.Optional;

/**
 * Recomputes a patient's hash chain from the stored documents (ADR 0001 for the bytes, ADR 0008 for what it shows).
 * <p>
 * Each stored event must sit under the key of its position, name that position and its stream, link to the previous
 * event's hash and hash to its own {@code hash}. A missing position fails where it is missing. The chain alone cannot
 * show that its last events were deleted, so the patients read model's {@code lastSeq} serves as an independent
 * witness: a store that ends before an event the read model already applied has lost events.
 */
@Component
public class AuditTrailVerifier {

    private final PatientStreams streams;

    public AuditTrailVerifier(PatientStreams streams) {
        this.streams = streams;
    }

    public record Verification(String patientId, boolean valid, int eventCount, String headHash,
                               Long firstInvalidSequence, String problem) {
    }

    /** Empty for an unknown patient (no stored event and no read model). */
    public Optional<Verification> verify(String patientId) {
        long witness = streams.witnessSequence(patientId);
        long probed = streams.lastSequence(patientId).orElse(-1L);
        Walk walk = new Walk(patientId);
        streams.forEachWindow(patientId, Math.max(witness, probed), window -> window.forEach(walk::check));
        if (walk.count == 0 && witness < 0) {
            return Optional.empty();
        }
        if (walk.firstInvalid == null && witness >= walk.expected) {
            walk.fail(walk.expected, "the stream ends at sequence " + (walk.expected - 1)
                    + " but the read model has applied events up to " + witness + ": events were removed");
        }
        return Optional.of(new Verification(patientId, walk.firstInvalid == null, walk.count, walk.head,
                                            walk.firstInvalid, walk.problem));
    }

    /** The state of one pass over the stream, in sequence order. */
    private static final class Walk {
        private final String patientId;
        private long expected;
        private String previousHash = EventHashChain.GENESIS;
        private int count;
        private String head;
        private Long firstInvalid;
        private String problem;

        Walk(String patientId) {
            this.patientId = patientId;
        }

        void check(Document stored) {
            count++;
            head = stored.getString("hash");
            if (firstInvalid != null) {
                return;
            }
            long position = PatientStreams.position(stored);
            if (position != expected) {
                fail(expected, "no stored event at sequence " + expected);
                return;
            }
            Number seq = stored.get("seq", Number.class);
            if (seq == null || seq.longValue() != position || !patientId.equals(stored.getString("aggregateId"))) {
                fail(position, "the stored event names another position or stream than the key it is stored under");
            } else if (!Objects.equals(stored.getString("previousHash"), previousHash)) {
                fail(position, "previousHash does not link to the previous event's hash");
            } else if (!EventHashChain.hashOf(previousHash, stored).equals(stored.getString("hash"))) {
                fail(position, "the hash does not match the stored event");
            } else {
                previousHash = stored.getString("hash");
                expected++;
            }
        }

        void fail(long sequence, String why) {
            firstInvalid = sequence;
            problem = why;
        }
    }
}
