package uk.rxledger.access;

import uk.rxledger.access.AccessPolicy.Decision;
import uk.rxledger.access.AccessPolicy.Target;

import java.time.Clock;

/**
 * Where every operation is admitted (ADR 0012): the GraphQL instrumentation for each top-level field and the export
 * interceptor for the NDJSON path both come here. A refusal throws {@link Denied}; a granted operation on one
 * patient's data is written to the access log first, and a failed write fails the operation.
 */
public class AccessGate {

    /** A refused operation. Its message is the same whatever the reason, so it reveals nothing. */
    public static final class Denied extends RuntimeException {
        public static final String MESSAGE = "Forbidden: the caller may not perform this operation";

        Denied() {
            super(MESSAGE, null, false, false);
        }
    }

    /**
     * The access record could not be stored: the operation fails. The storage error's message is left out (a driver
     * message can quote the key, which holds the patient id), so that logging this keeps patient ids out of logs.
     */
    public static final class NotRecorded extends RuntimeException {
        NotRecorded(RuntimeException failure) {
            super("The access record could not be written (" + failure.getClass().getName() + "); nothing was returned",
                  null, false, true);
        }
    }

    /** The longest operation name kept in the log (GraphQL names are otherwise unbounded). */
    static final int MAX_OPERATION = 100;

    private final AccessPolicy policy;
    private final AccessLog log;
    private final Clock clock;

    public AccessGate(AccessPolicy policy, AccessLog log, Clock clock) {
        this.policy = policy;
        this.log = log;
        this.clock = clock;
    }

    /**
     * @param operation the table's name for it (the top-level field, or {@link AccessPolicy#EXPORT_PATH})
     * @param loggedAs  the name the access log records (the GraphQL operation name, else the field)
     * @return the role that granted it
     */
    public Role admit(String operation, Caller caller, Target target, String loggedAs, Purpose purpose) {
        Decision decision = policy.decide(operation, caller, target);
        if (!decision.allowed()) {
            throw new Denied();
        }
        if (decision.requirement().logged()) {
            String name = loggedAs.length() > MAX_OPERATION ? loggedAs.substring(0, MAX_OPERATION) : loggedAs;
            try {
                log.record(clock.instant(), caller.id(), decision.grantedBy().name(), target.patientId(), name,
                           purpose.name());
            } catch (RuntimeException failure) {
                throw new NotRecorded(failure);
            }
        }
        return decision.grantedBy();
    }
}
