package uk.rxledger.graphql;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.stereotype.Component;
import uk.rxledger.domain.Rejected;
import uk.rxledger.eventstore.EventMetadata;

import java.util.List;

/**
 * Sends a mutation's command and turns every outcome a caller can cause into payload errors (ADR 0004): business
 * rejections, an unknown or duplicate aggregate, a lost concurrency race. Anything else is a server fault.
 */
@Component
public class CommandDispatch {

    /** How to name a missing or duplicate target aggregate to the caller. */
    public record Target(String field, String notFoundCode, String duplicateCode, String noun) {
    }

    /** The command's result, or the errors to put in the payload. */
    public record Outcome<R>(R result, List<MutationError> errors) {
        public boolean rejected() {
            return !errors.isEmpty();
        }
    }

    private final CommandGateway gateway;

    public CommandDispatch(CommandGateway gateway) {
        this.gateway = gateway;
    }

    public <R> Outcome<R> send(Object command, EventMetadata metadata, Target target) {
        try {
            R result = gateway.sendAndWait(command, metadata.toMetaData());
            return new Outcome<>(result, List.of());
        } catch (RuntimeException e) {
            return new Outcome<>(null, List.of(toError(e, target)));
        }
    }

    private static MutationError toError(Throwable failure, Target target) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Rejected rejected) {
                return new MutationError(rejected.code(), rejected.getMessage(), rejected.field());
            }
            if (t instanceof AggregateNotFoundException) {
                return new MutationError(target.notFoundCode(), "No such " + target.noun(), target.field());
            }
            if (t instanceof AggregateStreamCreationException) {
                return new MutationError(target.duplicateCode(), "The " + target.noun() + " already exists",
                                         target.field());
            }
            if (t instanceof ConcurrencyException) {
                return new MutationError("CONCURRENT_CHANGE", "The " + target.noun()
                        + " was changed at the same time by another request; try again", target.field());
            }
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new IllegalStateException(failure);
    }
}
