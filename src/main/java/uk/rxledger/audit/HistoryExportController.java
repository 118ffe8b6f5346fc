package uk.rxledger.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import org.bson.Document;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import uk.rxledger.eventstore.EventHashChain;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A patient's full stored history as newline-delimited JSON, one stored event per line, for an auditor's own
 * verification (line format in ADR 0008). Streamed window by window: never the whole stream in memory.
 */
@RestController
public class HistoryExportController {

    public static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PatientStreams streams;

    public HistoryExportController(PatientStreams streams) {
        this.streams = streams;
    }

    @GetMapping("/patients/{patientId}/history.ndjson")
    public ResponseEntity<StreamingResponseBody> export(@PathVariable String patientId) {
        // Admitted (and logged) before this runs by the role table's interceptor (uk.rxledger.access, ADR 0012).
        long last = Math.max(streams.lastSequence(patientId).orElse(-1L), streams.witnessSequence(patientId));
        if (last < 0) {
            return ResponseEntity.notFound().build();
        }
        StreamingResponseBody body = out -> {
            try {
                streams.forEachWindow(patientId, last, window -> {
                    window.forEach(stored -> writeLine(out, stored));
                    flush(out);
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        };
        return ResponseEntity.ok().contentType(NDJSON)
                             .header("Content-Disposition", "attachment; filename=\"history.ndjson\"")
                             .body(body);
    }

    /** The line of one stored event: readable fields, then under "stored" the exact strings the hash was computed over. */
    static Map<String, Object> line(Document stored) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("sequence", PatientStreams.position(stored));
        line.put("type", PatientStreams.simpleName(stored.getString("payloadType")));
        line.put("revision", stored.getString("payloadRevision"));
        line.put("timestamp", canonical(stored.get("timestamp")));
        line.put("recordedAt", canonical(stored.get("recordedAt")));
        line.put("metaData", parsed(stored.getString("metaData")));
        line.put("payload", parsed(stored.getString("payload")));
        line.put("previousHash", stored.getString("previousHash"));
        line.put("hash", stored.getString("hash"));
        Map<String, String> canonical = new LinkedHashMap<>();
        for (String field : EventHashChain.CANONICAL_FIELDS) {
            canonical.put(field, canonical(stored.get(field)));
        }
        line.put("stored", canonical);
        return line;
    }

    /** A stored value as the hash chain writes it (ADR 0001): dates in UTC to the millisecond, missing as "". */
    private static String canonical(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Date date) {
            return EventHashChain.TIMESTAMP_FORMAT.format(date.toInstant());
        }
        return value.toString();
    }

    private static JsonNode parsed(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text); // not JSON (any more): show it as stored
        }
    }

    private static void writeLine(OutputStream out, Document stored) {
        try {
            out.write(JSON.writeValueAsBytes(line(stored)));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void flush(OutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
