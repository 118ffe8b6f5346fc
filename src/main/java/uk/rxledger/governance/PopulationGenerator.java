package uk.rxledger.governance;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.domain.Rejected;
import uk.rxledger.eventstore.EventMetadata;
import uk.rxledger.regimen.AlertDecision;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.RegimenCommands.RespondToAlert;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a {@link PopulationPlan} through the command gateway, as the frontends' mutations would (same aggregate, same
 * validation, same events, the decision rules raising alerts as it goes), then answers some of the alerts the rules
 * raised: clinicians accept most and decline some with a reason. Patients go in parallel, each patient's commands in
 * order. A patient that already exists (the same seed run twice) is skipped.
 */
@Component
public class PopulationGenerator {

    private static final Logger log = LoggerFactory.getLogger(PopulationGenerator.class);
    private static final String ACTOR = "system:population-generator";

    /** What a run did; {@code rejections} (command type and error code) is empty for a valid plan. */
    public record Result(int patients, int skippedExisting, int commands, Map<String, Integer> rejections,
                         int alertsAnswered, Duration took) {
    }

    private final CommandGateway gateway;
    private final Catalogue catalogue;
    private final PatientProjection patients;
    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final Clock clock;

    public PopulationGenerator(CommandGateway gateway, Catalogue catalogue, PatientProjection patients,
                               EventProcessingConfiguration processing, EventStore eventStore, Clock clock) {
        this.gateway = gateway;
        this.catalogue = catalogue;
        this.patients = patients;
        this.processing = processing;
        this.eventStore = eventStore;
        this.clock = clock;
    }

    public Result generate(PopulationPlan.Settings settings, int threads) {
        long started = System.nanoTime();
        LocalDate today = LocalDate.now(clock);
        List<PopulationPlan.PatientPlan> plans = new PopulationPlan(catalogue, today).patients(settings);
        log.info("Generating a synthetic population: {} patients in {} practices (seed {})",
                 settings.patients(), settings.practices(), settings.seed());
        AtomicInteger commands = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Map<String, Integer> rejections = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread thread = new Thread(r, "population-generator");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (PopulationPlan.PatientPlan plan : plans) {
                futures.add(pool.submit(() -> {
                    send(plan, commands, skipped, rejections);
                    int n = done.incrementAndGet();
                    if (n % 500 == 0) {
                        log.info("Population: {} of {} patients", n, plans.size());
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            awaitProcessors(Duration.ofSeconds(Math.max(30, settings.patients() / 20)));
            int answered = answerAlerts(plans, settings.seed(), today, pool, rejections);
            Result result = new Result(plans.size() - skipped.get(), skipped.get(), commands.get(),
                                       new TreeMap<>(rejections), answered,
                                       Duration.ofNanos(System.nanoTime() - started));
            log.info("Population generated: {} patients ({} existed already), {} commands, {} alerts answered,"
                     + " {} ms; rejections {}", result.patients(), result.skippedExisting(), result.commands(),
                     result.alertsAnswered(), result.took().toMillis(), result.rejections());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Population generation interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Population generation failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private void send(PopulationPlan.PatientPlan plan, AtomicInteger commands, AtomicInteger skipped,
                      Map<String, Integer> rejections) {
        boolean first = true;
        for (Object command : plan.commands()) {
            String error = dispatch(command);
            commands.incrementAndGet();
            if (first && "DUPLICATE_PATIENT".equals(error)) {
                skipped.incrementAndGet();
                return;
            }
            first = false;
            if (error != null) {
                rejections.merge(command.getClass().getSimpleName() + ":" + error, 1, Integer::sum);
            }
        }
    }

    /** @return null when stored, else the rejection's code */
    private String dispatch(Object command) {
        for (int attempt = 1; ; attempt++) {
            try {
                gateway.sendAndWait(command, new EventMetadata(ACTOR, "SYSTEM", "synthetic population",
                                                               UUID.randomUUID().toString()).toMetaData());
                return null;
            } catch (RuntimeException e) {
                String code = code(e);
                // The rules' own ReconcileAlerts may race a command for the same patient: try again.
                if ("CONCURRENT_CHANGE".equals(code) && attempt < 10) {
                    sleep(10L * attempt);
                    continue;
                }
                if (code == null) {
                    throw e;
                }
                return code;
            }
        }
    }

    private static String code(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Rejected rejected) {
                return rejected.code();
            }
            if (t instanceof AggregateStreamCreationException) {
                return "DUPLICATE_PATIENT";
            }
            if (t instanceof ConcurrencyException) {
                return "CONCURRENT_CHANGE";
            }
        }
        return null;
    }

    /** Clinicians answer the open alerts of about four patients in ten: most accepted, some declined. */
    private int answerAlerts(List<PopulationPlan.PatientPlan> plans, long seed, LocalDate today, ExecutorService pool,
                             Map<String, Integer> rejections) throws InterruptedException, ExecutionException {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        List<Future<Integer>> futures = new ArrayList<>();
        for (PopulationPlan.PatientPlan plan : plans) {
            if (random.nextDouble() >= 0.4) {
                continue;
            }
            long choices = random.nextLong();
            futures.add(pool.submit(() -> {
                Random decide = new Random(choices);
                PatientView view = patients.find(plan.patientId()).orElse(null);
                if (view == null) {
                    return 0;
                }
                int answered = 0;
                String clinician = "clinician-" + plan.practice().practice().toLowerCase(Locale.ROOT);
                for (PatientView.AlertView alert : view.openAlerts()) {
                    boolean accept = decide.nextDouble() < 0.65;
                    String error = dispatch(new RespondToAlert(
                            plan.patientId(), alert.id, accept ? AlertDecision.ACCEPTED : AlertDecision.DECLINED,
                            accept ? null : "Benefit outweighs the risk for this patient; discussed with them",
                            today, clinician));
                    if (error == null) {
                        answered++;
                    } else if (!"ALERT_NOT_OPEN".equals(error) && !"ALERT_NOT_FOUND".equals(error)) {
                        rejections.merge("RespondToAlert:" + error, 1, Integer::sum);
                    }
                }
                return answered;
            }));
        }
        int answered = 0;
        for (Future<Integer> future : futures) {
            answered += future.get();
        }
        return answered;
    }

    /**
     * Waits until this instance's processors have handled everything stored, twice in a row (the rules append alerts
     * while the patients' processors catch up), or until the timeout.
     */
    void awaitProcessors(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (System.nanoTime() < deadline && quiet < 2) {
            TrackingToken head = eventStore.createHeadToken();
            long headPosition = head == null ? -1 : head.position().orElse(-1);
            boolean caughtUp = true;
            for (var processor : processing.eventProcessors().values()) {
                if (processor instanceof StreamingEventProcessor streaming) {
                    for (EventTrackerStatus status : streaming.processingStatus().values()) {
                        long position = status.getCurrentPosition().isPresent()
                                ? status.getCurrentPosition().getAsLong() : -1;
                        caughtUp &= position >= headPosition && !status.isErrorState();
                    }
                }
            }
            quiet = caughtUp ? quiet + 1 : 0;
            sleep(200);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
