package uk.rxledger.governance;

import com.mongodb.client.MongoDatabase;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import uk.rxledger.eventstore.EmbeddedMongoServer;
import uk.rxledger.regimen.PatientProjection;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Generates the synthetic population when asked ({@code rxledger.population.generate=true}) or, for a first local run,
 * when the store is empty and it is the embedded default keeping data on disk
 * ({@code rxledger.population.on-empty-start=true}, the default in application.properties; tests use the memory
 * backend and production a real MongoDB, so neither ever gets one unasked). It runs in the background once the
 * application is ready: the server answers meanwhile.
 */
@Component
public class PopulationRunner {

    private static final Logger log = LoggerFactory.getLogger(PopulationRunner.class);

    private final PopulationGenerator generator;
    private final MongoDatabase database;
    private final Optional<EmbeddedMongoServer> embedded;
    private final EventProcessingConfiguration processing;
    private final boolean generate;
    private final boolean onEmptyStart;
    private final EmbeddedMongoServer.Backend backend;
    private final PopulationPlan.Settings settings;
    private final int threads;
    private final CompletableFuture<Optional<PopulationGenerator.Result>> completion = new CompletableFuture<>();

    public PopulationRunner(PopulationGenerator generator, MongoDatabase database,
                            Optional<EmbeddedMongoServer> embedded, EventProcessingConfiguration processing,
                            @Value("${rxledger.population.generate:false}") boolean generate,
                            @Value("${rxledger.population.on-empty-start:false}") boolean onEmptyStart,
                            @Value("${rxledger.embedded-mongo.backend:H2}") EmbeddedMongoServer.Backend backend,
                            @Value("${rxledger.population.seed:42}") long seed,
                            @Value("${rxledger.population.patients:3000}") int patients,
                            @Value("${rxledger.population.practices:6}") int practices,
                            @Value("${rxledger.population.threads:4}") int threads) {
        this.generator = generator;
        this.database = database;
        this.embedded = embedded;
        this.processing = processing;
        this.generate = generate;
        this.onEmptyStart = onEmptyStart;
        this.backend = backend;
        this.settings = new PopulationPlan.Settings(seed, patients, practices);
        this.threads = threads;
    }

    /** Completes when generation has finished (empty when nothing was generated). */
    public CompletableFuture<Optional<PopulationGenerator.Result>> completion() {
        return completion;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        boolean firstLocalRun = onEmptyStart && embedded.isPresent() && backend == EmbeddedMongoServer.Backend.H2
                && database.getCollection(PatientProjection.COLLECTION).estimatedDocumentCount() == 0;
        if (!generate && !firstLocalRun) {
            completion.complete(Optional.empty());
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                awaitMetricsProcessor();
                completion.complete(Optional.of(generator.generate(settings, threads)));
            } catch (RuntimeException e) {
                log.error("Generating the synthetic population failed", e);
                completion.completeExceptionally(e);
            }
        }, "population-runner");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The metrics processor starts at the head of the stream the first time it runs: wait until it has claimed a
     * segment (and so fixed where it starts), or the first generated events would not be counted.
     */
    private void awaitMetricsProcessor() {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            boolean claimed = processing.eventProcessor(GovernanceMetrics.PROCESSING_GROUP,
                                                        StreamingEventProcessor.class)
                                        .map(p -> !p.processingStatus().isEmpty()).orElse(true);
            if (claimed) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
