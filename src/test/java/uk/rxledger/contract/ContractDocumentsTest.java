package uk.rxledger.contract;

import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.Node;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.validation.ValidationError;
import graphql.validation.Validator;
import graphql.scalars.ExtendedScalars;
import uk.rxledger.graphql.StrictDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract with the frontends: our copy of its operations must equal {@code ../shared/contract} where that folder
 * exists, and every operation of the slices built so far must validate against the server's schema, whole file by
 * whole file. {@link #operation} cuts one operation (with the fragments it uses) out of a file, for tests that need
 * a single operation of a file whose other operations are not built.
 */
public class ContractDocumentsTest {

    static final Path COPY = Path.of("src/test/resources/contract");
    static final Path SHARED = Path.of("../shared/contract");

    @Test
    void copyOfTheContractEqualsTheSharedContract() throws IOException {
        assumeTrue(Files.isDirectory(SHARED), "no ../shared/contract beside this clone");
        List<Path> shared = files(SHARED.resolve("operations"));
        assertThat(files(COPY.resolve("operations"))).extracting(p -> p.getFileName().toString())
                .containsExactlyElementsOf(shared.stream().map(p -> p.getFileName().toString()).toList());
        for (Path original : shared) {
            assertThat(Files.readString(COPY.resolve("operations").resolve(original.getFileName())))
                    .as("operations/%s differs from the shared contract", original.getFileName())
                    .isEqualTo(Files.readString(original));
        }
        assertThat(Files.readString(COPY.resolve("README.md"))).as("README.md differs from the shared contract")
                .isEqualTo(Files.readString(SHARED.resolve("README.md")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"regimen.graphql", "decision-support.graphql", "outcomes-and-waste.graphql", "audit.graphql"})
    void everyOperationValidatesAgainstTheSchema(String file) throws IOException {
        Document document = Parser.parse(Files.readString(COPY.resolve("operations").resolve(file)));
        List<ValidationError> errors = new Validator().validateDocument(schema(), document, Locale.ENGLISH);
        assertThat(errors).isEmpty();
    }

    /** The named operation alone, with the fragments it uses (directly or through other fragments). */
    public static Document operation(Document file, String name) {
        OperationDefinition operation = file.getDefinitionsOfType(OperationDefinition.class).stream()
                .filter(o -> name.equals(o.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("No operation " + name));
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        file.getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.put(f.getName(), f));
        Set<String> used = new LinkedHashSet<>();
        Deque<Node<?>> pending = new ArrayDeque<>(List.of(operation));
        while (!pending.isEmpty()) {
            Node<?> node = pending.pop();
            if (node instanceof FragmentSpread spread && used.add(spread.getName())
                    && fragments.containsKey(spread.getName())) {
                pending.push(fragments.get(spread.getName()));
            }
            node.getChildren().forEach(pending::push);
        }
        List<Definition> definitions = new ArrayList<>(List.of(operation));
        used.stream().filter(fragments::containsKey).forEach(n -> definitions.add(fragments.get(n)));
        return Document.newDocument().definitions(definitions).build();
    }

    @Test
    void anOperationIsValidatedWithExactlyTheFragmentsItUses() {
        Document file = Parser.parse("""
                fragment A on Query { apiVersion ...B }
                fragment B on Query { apiVersion }
                fragment C on Query { apiVersion }
                query One { ...A }
                query Two { ...C }
                """);
        Document one = operation(file, "One");
        assertThat(one.getDefinitionsOfType(OperationDefinition.class)).extracting(OperationDefinition::getName)
                .containsExactly("One");
        assertThat(one.getDefinitionsOfType(FragmentDefinition.class)).extracting(FragmentDefinition::getName)
                .containsExactlyInAnyOrder("A", "B");
    }

    public static GraphQLSchema schema() throws IOException {
        TypeDefinitionRegistry registry = new TypeDefinitionRegistry();
        for (Path file : files(Path.of("graphql-schema"))) {
            registry.merge(new SchemaParser().parse(Files.readString(file)));
        }
        RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
                .scalar(StrictDate.SCALAR).scalar(ExtendedScalars.DateTime)
                .scalar(ExtendedScalars.GraphQLLong).scalar(ExtendedScalars.Json).build();
        return new SchemaGenerator().makeExecutableSchema(registry, wiring);
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
