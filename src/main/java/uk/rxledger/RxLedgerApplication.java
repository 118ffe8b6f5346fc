package uk.rxledger;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.mongo.MongoAutoConfiguration;

/** RxLedger: event-sourced decision support for medicines optimisation in UK primary care. */
// Our MongoConfiguration owns the client (embedded default or the configured URI); Boot's would insist on a URI.
@SpringBootApplication(exclude = MongoAutoConfiguration.class)
public class RxLedgerApplication {

    static {
        // Axon's update checker reads a JVM property, not Spring's environment, and would call out at start.
        if (System.getProperty("axoniq.update-checker.disabled") == null) {
            System.setProperty("axoniq.update-checker.disabled", "true");
        }
    }
    public static void main(String[] args) {
        SpringApplication.run(RxLedgerApplication.class, args);
    }
}
