package uk.rxledger.domain;

/**
 * A business rule rejected a command. Carries a stable upper-case code (PATIENT_NOT_FOUND, LINE_NOT_ACTIVE, ...) and
 * the input field at fault; it reaches the caller as a payload error, and nothing is stored.
 */
public class Rejected extends RuntimeException {

    private final String code;
    private final String field;

    public Rejected(String code, String field, String message) {
        super(message, null, false, false); // an expected outcome: no stack trace to fill
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
