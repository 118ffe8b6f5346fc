package uk.rxledger.eventstore;

import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uk.rxledger.regimen.RegimenCommands.StartMedicine;

import java.time.LocalDate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The caching resolver answers every command exactly as Axon's own resolver does, errors included, twice over. */
class CachingCommandTargetResolverTest {

    record Versioned(@TargetAggregateIdentifier String patientId, @TargetAggregateVersion Long version) {
    }

    record VersionAsText(@TargetAggregateIdentifier String patientId, @TargetAggregateVersion String version) {
    }

    record NoTarget(String patientId) {
    }

    record NullTarget(@TargetAggregateIdentifier String patientId) {
    }

    static final class FieldOnly {
        @TargetAggregateIdentifier
        private final String id = "P-field";
    }

    static final class MethodBeforeField {
        @TargetAggregateIdentifier
        private final String id = "P-field";

        @TargetAggregateIdentifier
        String target() {
            return "P-method";
        }
    }

    static final class ThrowingAccessor {
        @TargetAggregateIdentifier
        String target() {
            throw new IllegalStateException("boom");
        }
    }

    static final class ObjectIdentifier {
        @TargetAggregateIdentifier
        final Long id = 42L;
    }

    static Stream<Object> commands() {
        return Stream.of(
                new StartMedicine("P-1", "MET500", 1, 2, LocalDate.of(2026, 1, 5), "type 2 diabetes", "G1234567"),
                new Versioned("P-2", 7L),
                new Versioned("P-3", null),
                new VersionAsText("P-4", "12"),
                new VersionAsText("P-5", "twelve"),
                new NoTarget("P-6"),
                new NullTarget(null),
                new FieldOnly(),
                new MethodBeforeField(),
                new ThrowingAccessor(),
                new ObjectIdentifier());
    }

    private final AnnotationCommandTargetResolver axon = AnnotationCommandTargetResolver.builder().build();
    private final CachingCommandTargetResolver caching = new CachingCommandTargetResolver();

    @ParameterizedTest
    @MethodSource("commands")
    void resolvesAsAxonDoes(Object payload) {
        var command = GenericCommandMessage.asCommandMessage(payload);
        Object expected = outcome(() -> axon.resolveTarget(command));
        for (int call = 0; call < 2; call++) { // the second from the cache
            Object actual = outcome(() -> caching.resolveTarget(command));
            assertThat(actual).isEqualTo(expected);
        }
    }

    /** The identifier and version resolved, or the failure's type, message and cause type. */
    private static Object outcome(java.util.function.Supplier<VersionedAggregateIdentifier> resolve) {
        Throwable failure = catchThrowable(resolve::get);
        if (failure != null) {
            return failure.getClass().getName() + ": " + failure.getMessage() + " / "
                   + (failure.getCause() == null ? null : failure.getCause().getClass().getName());
        }
        VersionedAggregateIdentifier target = resolve.get();
        return target.getIdentifierValue() + " @ " + target.getVersion();
    }
}
