package uk.rxledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;
import org.springframework.stereotype.Component;
import uk.rxledger.regimen.AdherenceChecked;

/**
 * {@link AdherenceChecked} revision 1 -> 2 (ADR 0007): revision 2 records the threshold that decided {@code adherent}.
 * Every revision-1 event was decided at 0.80, so that is what it gets: a literal on purpose, as this describes the
 * past and must not follow later changes of {@code Adherence.ADHERENT_THRESHOLD}.
 * <p>
 * A Spring bean: Axon's Spring Boot auto-configuration puts every {@code EventUpcaster} bean into the configuration's
 * upcaster chain, which the storage engine applies to every read (aggregates, processors, audit reads).
 */
@Component
public class AdherenceCheckedUpcaster extends SingleEventUpcaster {

    static final String TYPE = AdherenceChecked.class.getName();
    static final SimpleSerializedType REVISION_2 = new SimpleSerializedType(TYPE, "2");
    static final double REVISION_1_THRESHOLD = 0.80;

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        // Compared by name and revision: the representation's type need not be a SimpleSerializedType.
        return TYPE.equals(representation.getType().getName())
                && "1".equals(representation.getType().getRevision());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(REVISION_2, JsonNode.class, payload -> {
            ObjectNode upcast = payload.deepCopy();
            upcast.put("threshold", REVISION_1_THRESHOLD);
            return upcast;
        });
    }
}
