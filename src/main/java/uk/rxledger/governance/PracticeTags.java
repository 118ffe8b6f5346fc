package uk.rxledger.governance;

import io.micrometer.core.instrument.Tags;

/**
 * Where a patient is registered, as metric tags: the practice and PCN ODS codes. The only per-patient fact that ever
 * reaches a metric (ADR 0011).
 */
record PracticeTags(String practice, String pcn) {

    /** Shown for a patient registered without a PCN. */
    static final String NO_PCN = "NONE";
    /** Shown when a value is not a well-formed ODS code, or the practice budget is spent. */
    static final String OTHER = "OTHER";

    Tags tags() {
        return Tags.of("practice", practice, "pcn", pcn);
    }
}
