package uk.rxledger.access;

import java.util.Arrays;
import java.util.Optional;

/** The declared purpose of use ({@code X-Purpose-Of-Use}) recorded with every access; DIRECT_CARE when absent. */
public enum Purpose {
    DIRECT_CARE, AUDIT, CLINICAL_GOVERNANCE, RESEARCH, PATIENT_REQUEST;

    public static final String HEADER = "X-Purpose-Of-Use";

    /** The header's purpose; empty when it names none of these (a BAD_REQUEST). */
    public static Optional<Purpose> of(String header) {
        if (header == null || header.isBlank()) {
            return Optional.of(DIRECT_CARE);
        }
        return Arrays.stream(values()).filter(p -> p.name().equals(header.strip())).findFirst();
    }

    public static String allowed() {
        return Arrays.toString(values());
    }
}
