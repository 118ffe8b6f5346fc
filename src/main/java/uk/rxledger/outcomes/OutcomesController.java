package uk.rxledger.outcomes;

import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.decisionsupport.rules.Rule;
import uk.rxledger.decisionsupport.rules.RuleSet;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.regimen.PatientView;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;

/** Outcomes over GraphQL: a patient's figures from their read model, population figures from the buckets. */
@Controller
public class OutcomesController {

    private final OutcomeQueries queries;
    private final Catalogue catalogue;
    private final RuleSet rules;
    private final Clock clock;

    public OutcomesController(OutcomeQueries queries, Catalogue catalogue, RuleSet rules, Clock clock) {
        this.queries = queries;
        this.catalogue = catalogue;
        this.rules = rules;
        this.clock = clock;
    }

    @SchemaMapping(typeName = "Patient")
    public PatientOutcome outcome(PatientView patient) {
        return PatientOutcomes.today(patient, LocalDate.now(clock), catalogue);
    }

    @SchemaMapping(typeName = "Patient")
    public List<ReviewOutcome> reviewOutcomes(PatientView patient) {
        return PatientOutcomes.reviews(patient, LocalDate.now(clock), catalogue);
    }

    record WasteSummaryRow(String key, String label, long wastePence, double units, int entryCount) {
    }

    record SavingsSummaryRow(String key, String label, long annualSavingsPence, int entryCount) {
    }

    @QueryMapping
    public List<WasteSummaryRow> wasteSummary(@Argument Grouping groupBy, @Argument String practice,
                                              @Argument String pcn, @Argument LocalDate from, @Argument LocalDate to) {
        return queries.waste(groupBy, practice, pcn, from, to).stream()
                .map(r -> new WasteSummaryRow(r.key(), r.label(), r.pence(), r.units(), r.entryCount())).toList();
    }

    @QueryMapping
    public List<SavingsSummaryRow> savingsSummary(@Argument Grouping groupBy, @Argument String practice,
                                                  @Argument String pcn, @Argument LocalDate from,
                                                  @Argument LocalDate to) {
        return queries.savings(groupBy, practice, pcn, from, to).stream()
                .map(r -> new SavingsSummaryRow(r.key(), r.label(), r.pence(), r.entryCount())).toList();
    }

    @QueryMapping
    public PracticeMetrics practiceMetrics(@Argument String practice, @Argument String month) {
        return queries.practiceMetrics(practice, OutcomeQueries.month(month));
    }

    @QueryMapping
    public MeasureResult measure(@Argument String code, @Argument String month, @Argument String pcn) {
        Rule rule = rules.find(code).orElseThrow(() -> new BadRequest("No measure (decision rule) " + code));
        return queries.measure(rule, OutcomeQueries.month(month), pcn);
    }
}
