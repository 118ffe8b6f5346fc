package uk.rxledger.outcomes;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import uk.rxledger.scheduling.DailyJobs;

import java.time.Clock;
import java.time.LocalDate;

/**
 * Starts each day of the outcome measures just after midnight (Europe/London), once across instances: the first to
 * insert the day's record in {@code jobs} publishes {@link OutcomesDayStarted}.
 */
@Component
public class OutcomesDay {

    private final EventGateway events;
    private final DailyJobs jobs;
    private final Clock clock;

    public OutcomesDay(EventGateway events, DailyJobs jobs, Clock clock) {
        this.events = events;
        this.jobs = jobs;
        this.clock = clock;
    }

    @Scheduled(cron = "${rxledger.outcomes.daily-cron:0 5 0 * * *}", zone = "Europe/London")
    void scheduled() {
        LocalDate today = LocalDate.now(clock);
        if (!jobs.claim("outcomes-day", today)) {
            return; // another instance started today
        }
        start(today);
    }

    /** Starts a day now (also for tests and operators). */
    public void start(LocalDate date) {
        events.publish(new OutcomesDayStarted(date));
    }

    @Configuration(proxyBeanMethods = false)
    static class OutcomesProcessorConfiguration {

        /** One segment: the delta ledger's buckets are shared by all patients and want a single writer (ADR 0009). */
        @Bean
        ConfigurerModule outcomesProcessor(@Value("${rxledger.outcomes.batch-size:2000}") int batchSize) {
            // Large batches: a batch computes each patient it touches once, however many of their events it holds.
            return configurer -> configurer.eventProcessing().registerPooledStreamingEventProcessorConfiguration(
                    OutcomesProjection.PROCESSING_GROUP,
                    (c, builder) -> builder.initialSegmentCount(1).batchSize(batchSize));
        }
    }
}
