package uk.rxledger.graphql;

import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether a GraphQL document only introspects: every operation selects only {@code __schema}, {@code __type} and
 * {@code __typename} at the top level (through fragments too). Such requests are what GraphiQL and schema tools send;
 * access control lets them through without a token while anonymous introspection is on, and the depth and complexity
 * limits leave them to graphql-java's own good-faith introspection checks.
 */
public final class Introspections {

    private static final Set<String> FIELDS = Set.of("__schema", "__type", "__typename");

    private Introspections() {
    }

    public static boolean introspectionOnly(Document document) {
        Map<String, FragmentDefinition> fragments = document.getDefinitionsOfType(FragmentDefinition.class).stream()
                .collect(Collectors.toMap(FragmentDefinition::getName, Function.identity(), (a, b) -> a));
        var operations = document.getDefinitionsOfType(OperationDefinition.class);
        return !operations.isEmpty() && operations.stream()
                .allMatch(o -> onlyIntrospection(o.getSelectionSet(), fragments, new HashSet<>()));
    }

    private static boolean onlyIntrospection(SelectionSet selections, Map<String, FragmentDefinition> fragments,
                                             Set<String> seen) {
        if (selections == null) {
            return false;
        }
        for (Selection<?> selection : selections.getSelections()) {
            boolean ok;
            if (selection instanceof Field field) {
                ok = FIELDS.contains(field.getName());
            } else if (selection instanceof InlineFragment inline) {
                ok = onlyIntrospection(inline.getSelectionSet(), fragments, seen);
            } else if (selection instanceof FragmentSpread spread) {
                FragmentDefinition fragment = fragments.get(spread.getName());
                ok = fragment != null && (!seen.add(spread.getName()) // already being checked
                                          || onlyIntrospection(fragment.getSelectionSet(), fragments, seen));
            } else {
                ok = false;
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
