package uk.rxledger.projection;

/**
 * A read-model document built from one aggregate's stream. {@code lastSeq} is the sequence of the last event applied:
 * an event at or below it has been applied already, which makes every projection idempotent under redelivery and
 * replays (there are no transactions spanning the read model and the processor's token).
 */
public abstract class ProjectedDocument {

    /** The aggregate identifier; stored as {@code _id}. */
    public String id;
    public long lastSeq = -1;
    /** The keys of the elements stored apart ({@link DocumentParts}), in order; null when there are none. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public java.util.List<String> parts;
}
