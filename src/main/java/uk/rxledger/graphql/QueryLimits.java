package uk.rxledger.graphql;

import graphql.ExecutionResult;
import graphql.execution.AbortExecutionException;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimpleInstrumentationContext;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.normalized.ExecutableNormalizedOperation;
import graphql.normalized.ExecutableNormalizedOperationFactory;

/**
 * Depth and size limits on the operation as it will execute (ADR 0012): its normalized form, fragments expanded, so
 * fragments spread many times count every time (graphql-java's own complexity instrumentation counts a fragment once).
 * Depth is the deepest field's level (a top-level field is 1); size, the number of fields. Beyond either, execution is
 * aborted before any field runs, and the abort is answered as a BAD_REQUEST ({@link GraphQlConfiguration}).
 * Introspection-only documents are left to graphql-java's good-faith introspection checks.
 */
final class QueryLimits extends SimplePerformantInstrumentation {

    private final int maxDepth;
    private final int maxFields;

    QueryLimits(int maxDepth, int maxFields) {
        this.maxDepth = maxDepth;
        this.maxFields = maxFields;
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
                                                                         InstrumentationState state) {
        ExecutionContext context = parameters.getExecutionContext();
        if (Introspections.introspectionOnly(context.getDocument())) {
            return SimpleInstrumentationContext.noOp();
        }
        ExecutableNormalizedOperation operation;
        try {
            operation = ExecutableNormalizedOperationFactory.createExecutableNormalizedOperation(
                    context.getGraphQLSchema(), context.getOperationDefinition(), context.getFragmentsByName(),
                    context.getCoercedVariables(), ExecutableNormalizedOperationFactory.Options.defaultOptions()
                            .maxFieldsCount(maxFields + 1).maxChildrenDepth(maxDepth + 1));
        } catch (AbortExecutionException tooLarge) { // the factory stops counting at the limits
            throw exceeded("more than " + maxFields + " fields or deeper than " + maxDepth + " levels");
        }
        if (operation.getOperationDepth() > maxDepth) {
            throw exceeded("depth " + operation.getOperationDepth());
        }
        if (operation.getOperationFieldCount() > maxFields) {
            throw exceeded(operation.getOperationFieldCount() + " fields");
        }
        return SimpleInstrumentationContext.noOp();
    }

    private AbortExecutionException exceeded(String found) {
        return new AbortExecutionException("The query exceeds the limit of depth " + maxDepth + " and " + maxFields
                                           + " fields (fragments expanded): " + found);
    }
}
