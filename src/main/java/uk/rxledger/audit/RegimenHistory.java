package uk.rxledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.bson.Document;
import org.springframework.stereotype.Component;
import uk.rxledger.ClockConfiguration;
import uk.rxledger.eventstore.EventMetadata;
import uk.rxledger.graphql.Connection;
import uk.rxledger.graphql.Pagination;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A patient's stream page by page, straight from the store, payloads upcast to their current revision. */
@Component
public class RegimenHistory {

    /** Payload fields that carry an event's business date, in the order they are looked for. */
    static final List<String> BUSINESS_DATES = List.of(
            "registeredOn", "recordedOn", "observedOn", "startedOn", "dispensedOn", "changedOn", "switchedOn",
            "stoppedOn", "checkedOn", "reviewedOn", "raisedOn", "resolvedOn", "respondedOn");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PatientStreams streams;

    public RegimenHistory(PatientStreams streams) {
        this.streams = streams;
    }

    public record Actor(String id, String role) {
    }

    public record HistoryEvent(long sequence, String type, String revision, LocalDate occurredOn,
                               OffsetDateTime recordedAt, Actor actor, String reason, String correlationId,
                               Object payload, String hash, String previousHash) {
    }

    /** One page of the stream; empty for an unknown patient. Key lookups only: O(log n) for the count, one window. */
    public Optional<Connection<HistoryEvent>> page(String patientId, Integer first, String after) {
        int size = Pagination.pageSize(first);
        long start = Pagination.position(after) + 1;
        Optional<Long> last = streams.lastSequence(patientId);
        if (last.isEmpty()) {
            return Optional.empty();
        }
        List<Connection.Edge<HistoryEvent>> edges = new ArrayList<>();
        long pageEnd = Math.min(start + size, last.get() + 1);
        if (pageEnd > start) {
            for (Document stored : streams.window(patientId, start, (int) (pageEnd - start))) {
                for (IntermediateEventRepresentation upcast : streams.upcast(stored)) {
                    HistoryEvent event = event(stored, upcast);
                    edges.add(new Connection.Edge<>(Pagination.cursor(event.sequence()), event));
                }
            }
        }
        boolean hasNext = !edges.isEmpty() ? edges.get(edges.size() - 1).node().sequence() < last.get()
                                           : start <= last.get();
        return Optional.of(new Connection<>(edges, Pagination.pageInfo(edges, hasNext, start > 0), last.get() + 1));
    }

    private static HistoryEvent event(Document stored, IntermediateEventRepresentation upcast) {
        JsonNode payload = upcast.getData(JsonNode.class).getData();
        MetaData metaData = upcast.getMetaData().getObject();
        OffsetDateTime recordedAt = stored.getDate("recordedAt").toInstant().atOffset(ZoneOffset.UTC);
        String actorId = text(metaData.get(EventMetadata.ACTOR));
        return new HistoryEvent(
                PatientStreams.position(stored),
                PatientStreams.simpleName(upcast.getType().getName()),
                upcast.getType().getRevision(),
                occurredOn(payload, recordedAt),
                recordedAt,
                actorId == null ? null : new Actor(actorId, text(metaData.get(EventMetadata.ROLE))),
                text(metaData.get(EventMetadata.REASON)),
                text(metaData.get(EventMetadata.CORRELATION_ID)),
                JSON.convertValue(payload, Object.class),
                stored.getString("hash"),
                stored.getString("previousHash"));
    }

    /** The payload's business date; the storage date (in England) for events without one, e.g. a registration. */
    static LocalDate occurredOn(JsonNode payload, OffsetDateTime recordedAt) {
        for (String field : BUSINESS_DATES) {
            JsonNode value = payload.get(field);
            if (value != null && value.isTextual()) {
                return LocalDate.parse(value.asText());
            }
        }
        return recordedAt.atZoneSameInstant(ClockConfiguration.ZONE).toLocalDate();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
