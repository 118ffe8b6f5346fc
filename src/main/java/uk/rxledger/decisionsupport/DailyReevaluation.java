package uk.rxledger.decisionsupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.scheduling.DailyJobs;

import java.time.Clock;
import java.time.LocalDate;

import java.util.List;
import java.util.UUID;

/**
 * Re-evaluates every patient once a day: rules start to hold as time passes (a benzodiazepine reaching 4 weeks, a
 * monitoring test falling out of its window, a review turning 365 days old) without any event. One instance runs it:
 * the first to insert the day's record in {@code jobs}.
 */
@Component
public class DailyReevaluation {

    private static final Logger log = LoggerFactory.getLogger(DailyReevaluation.class);

    /** What a run did. */
    public record Run(String runId, LocalDate date, int patientsEvaluated, java.time.OffsetDateTime startedAt,
                      java.time.OffsetDateTime finishedAt, java.util.List<uk.rxledger.graphql.MutationError> errors) {
    }

    private final PatientProjection patients;
    private final AlertEvaluator evaluator;
    private final WorklistProjection worklist;
    private final DailyJobs jobs;
    private final Clock clock;

    public DailyReevaluation(PatientProjection patients, AlertEvaluator evaluator, WorklistProjection worklist,
                             DailyJobs jobs, Clock clock) {
        this.patients = patients;
        this.evaluator = evaluator;
        this.worklist = worklist;
        this.jobs = jobs;
        this.clock = clock;
    }

    @Scheduled(cron = "${rxledger.decision-support.daily-cron:0 30 2 * * *}", zone = "Europe/London")
    void scheduled() {
        if (!jobs.claim("daily-evaluation", LocalDate.now(clock))) {
            return; // another instance runs today's evaluation
        }
        Run run = runNow(null);
        log.info("Daily re-evaluation of {} patients took {} ms", run.patientsEvaluated(),
                 java.time.Duration.between(run.startedAt(), run.finishedAt()).toMillis());
    }

    /** Evaluates every patient (of a practice, when given) now; also run on demand by an admin. */
    public Run runNow(String practice) {
        java.time.OffsetDateTime started = java.time.OffsetDateTime.now(clock);
        String runId = "daily-" + UUID.randomUUID();
        List<String> ids = patients.allPatientIds(practice);
        int evaluated = 0;
        for (String id : ids) {
            if (evaluator.reconcile(id, -1, runId).isPresent()) {
                patients.find(id).ifPresent(worklist::refresh);
                evaluated++;
            }
        }
        return new Run(runId, LocalDate.now(clock), evaluated, started, java.time.OffsetDateTime.now(clock), List.of());
    }

}
