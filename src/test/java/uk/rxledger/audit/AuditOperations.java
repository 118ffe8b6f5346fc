package uk.rxledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import uk.rxledger.support.ContractClient;

import java.util.Map;

/** Sends one operation of the contract's audit.graphql, exactly as written there, as an auditor's tool does. */
final class AuditOperations {

    static final String FILE = "audit.graphql";

    private final ContractClient client;

    AuditOperations(ContractClient client) {
        this.client = client;
    }

    JsonNode run(String operation, Map<String, ?> variables) {
        return client.run(FILE, operation, variables);
    }
}
