package uk.rxledger.eventstore;

import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * The tamper-evident chain over an aggregate's stream: {@code hash = SHA-256(previousHash + canonical(event))}.
 * <p>
 * The canonical form is the ASCII previous hash followed by netstrings ({@code <byte length>:<UTF-8 bytes>,}) of the
 * stored fields in {@link #CANONICAL_FIELDS} order, so an auditor can recompute it with any tool without agreeing on
 * a JSON canonicalisation. Dates are written as {@link #TIMESTAMP_FORMAT}; a missing value is an empty string.
 * The byte layout is documented in ADR 0001; changing it needs a new chain version.
 * <p>
 * It is computed from the stored document itself, by the storage engine when appending and by the verifier when
 * checking, so the two cannot drift apart.
 */
public final class EventHashChain {

    /** The previous hash of the first event of every stream. */
    public static final String GENESIS = "0".repeat(64);

    /** Fixed-width UTC instant with milliseconds, the precision stored. */
    public static final DateTimeFormatter TIMESTAMP_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public static final List<String> CANONICAL_FIELDS = List.of(
            "aggregateId", "seq", "aggregateType", "eventId", "timestamp", "recordedAt",
            "payloadType", "payloadRevision", "payload", "metaData");

    private EventHashChain() {
    }

    public static String hashOf(String previousHash, Document storedEvent) {
        MessageDigest digest = sha256();
        digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
        for (String field : CANONICAL_FIELDS) {
            netstring(digest, text(storedEvent.get(field)));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Date date) {
            return TIMESTAMP_FORMAT.format(date.toInstant());
        }
        return value.toString();
    }

    private static void netstring(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
        digest.update((byte) ',');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
