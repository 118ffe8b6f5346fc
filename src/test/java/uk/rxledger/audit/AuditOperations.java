package uk.rxledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import graphql.language.AstPrinter;
import graphql.parser.Parser;
import uk.rxledger.contract.ContractDocumentsTest;
import uk.rxledger.support.ContractClient;

import java.util.Map;

/**
 * Sends one operation of the contract's audit.graphql, exactly as written there, with the fragments it uses: the server
 * validates a whole document, and the file's AccessLog is not built yet (issue 6).
 */
final class AuditOperations {

    static final String FILE = "audit.graphql";

    private final ContractClient client;

    AuditOperations(ContractClient client) {
        this.client = client;
    }

    JsonNode run(String operation, Map<String, ?> variables) {
        String document = AstPrinter.printAst(ContractDocumentsTest.operation(
                Parser.parse(ContractClient.document(FILE)), operation));
        return client.post(document, operation, variables);
    }
}
