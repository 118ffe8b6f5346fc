package uk.rxledger.audit;

import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;
import uk.rxledger.audit.AuditTrailVerifier.Verification;
import uk.rxledger.audit.ReadModelRebuilds.Progress;
import uk.rxledger.audit.RegimenAsOf.AsOf;
import uk.rxledger.audit.RegimenHistory.HistoryEvent;
import uk.rxledger.domain.Rejected;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.graphql.Connection;
import uk.rxledger.graphql.MutationError;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The auditors' operations: history, as-of and verification read the event store itself; the admin operation
 * rebuilds read models. Unknown patients come back as null, not as errors. Who may call which is decided by the role
 * table (uk.rxledger.access, ADR 0012), never here.
 */
@Controller
public class AuditController {

    private final RegimenHistory history;
    private final RegimenAsOf asOf;
    private final AuditTrailVerifier verifier;
    private final ReadModelRebuilds rebuilds;

    public AuditController(RegimenHistory history, RegimenAsOf asOf, AuditTrailVerifier verifier,
                           ReadModelRebuilds rebuilds) {
        this.history = history;
        this.asOf = asOf;
        this.verifier = verifier;
        this.rebuilds = rebuilds;
    }

    record RebuildReadModelInput(String readModel) {
    }

    record RebuildReadModelPayload(Progress rebuild, List<MutationError> errors) {
    }

    @QueryMapping
    public Connection<HistoryEvent> regimenHistory(@Argument String patientId, @Argument Integer first,
                                                   @Argument String after) {
        return history.page(patientId, first, after).orElse(null);
    }

    @QueryMapping
    public AsOf regimenAsOf(@Argument String patientId, @Argument OffsetDateTime at) {
        return asOf.at(patientId, at).orElse(null);
    }

    @QueryMapping
    public Verification verifyAuditTrail(@Argument String patientId) {
        return verifier.verify(patientId).orElse(null);
    }

    @QueryMapping
    public List<String> readModels() {
        return rebuilds.readModels();
    }

    @QueryMapping
    public Progress readModelRebuild(@Argument String readModel) {
        return rebuilds.progress(readModel).orElseThrow(() -> new BadRequest("No read model named " + readModel));
    }

    @MutationMapping
    public RebuildReadModelPayload rebuildReadModel(@Argument RebuildReadModelInput input) {
        try {
            return new RebuildReadModelPayload(rebuilds.rebuild(input.readModel()), List.of());
        } catch (Rejected rejected) {
            return new RebuildReadModelPayload(null, List.of(
                    new MutationError(rejected.code(), rejected.getMessage(), rejected.field())));
        }
    }

    @SchemaMapping(typeName = "ReadModelRebuild")
    public OffsetDateTime startedAt(Progress progress) {
        return progress.startedAt() == null ? null : progress.startedAt().atOffset(ZoneOffset.UTC);
    }
}
