package uk.rxledger.outcomes;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.decisionsupport.rules.Rule;
import uk.rxledger.decisionsupport.rules.RuleEvaluator;
import uk.rxledger.decisionsupport.rules.RuleHit;
import uk.rxledger.decisionsupport.rules.RuleSet;
import uk.rxledger.decisionsupport.rules.SmrEligibility;
import uk.rxledger.regimen.AlertDecision;
import uk.rxledger.regimen.LineStatus;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.PatientView.AdherenceCheckView;
import uk.rxledger.regimen.PatientView.AlertView;
import uk.rxledger.regimen.PatientView.LineView;
import uk.rxledger.regimen.PatientView.ReviewView;
import uk.rxledger.waste.Savings;
import uk.rxledger.waste.SavingsEntry;
import uk.rxledger.waste.Waste;
import uk.rxledger.waste.WasteEntry;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one patient adds to the population buckets ({@link Buckets}): bucket id to field path to a whole number. A pure
 * function of the patient's read model, the catalogue, the rules and today's date, recomputed whole after every change
 * to the patient; the ledger adds the difference to the buckets. Zero values are left out.
 */
public final class Contributions {

    /** Waste units are summed in thousandths of a unit, so that totals are exact whatever the order of additions. */
    static final double MILLI = 1000.0;

    private Contributions() {
    }

    public static Map<String, Map<String, Long>> of(PatientView patient, Catalogue catalogue, RuleSet rules,
                                                    LocalDate today) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        state(out, patient, catalogue, rules, today);
        activity(out, patient);
        wasteAndSavings(out, patient, catalogue);
        return out;
    }

    /** The state counted in {@code S|practice}: the patient as of today. */
    private static void state(Map<String, Map<String, Long>> out, PatientView patient, Catalogue catalogue,
                              RuleSet rules, LocalDate today) {
        String bucket = Buckets.state(patient.practice);
        OutcomeFigures figures = PatientOutcomes.on(patient, today, catalogue);
        add(out, bucket, "registered", 1);
        add(out, bucket, "tenOrMoreMedicines", figures.activeMedicineCount() >= 10 ? 1 : 0);
        add(out, bucket, "acbThreeOrMore", figures.acbTotal() >= 3 ? 1 : 0);
        add(out, bucket, "openSafetyAlerts", figures.openSafetyAlertCount());
        var hits = RuleEvaluator.evaluate(patient, catalogue, rules, today);
        add(out, bucket, "smrEligible", SmrEligibility.of(hits, patient, today).eligible() ? 1 : 0);
        Set<String> holding = hits.stream().map(RuleHit::ruleCode).collect(Collectors.toSet());
        for (Rule rule : rules.rules()) {
            if (AtRisk.holds(rule, patient, catalogue, today)) {
                add(out, bucket, "rules." + rule.code() + ".d", 1);
                add(out, bucket, "rules." + rule.code() + ".n", holding.contains(rule.code()) ? 1 : 0);
            }
        }
    }

    /** Activity counted in {@code M|practice|month} by each fact's business date. */
    private static void activity(Map<String, Map<String, Long>> out, PatientView patient) {
        String practice = patient.practice;
        for (LineView line : patient.lines) {
            if (line.switchedFromLineId == null) {
                add(out, Buckets.month(practice, line.startedOn), "medicinesStarted", 1);
            }
            if (line.status == LineStatus.SWITCHED) {
                add(out, Buckets.month(practice, line.endedOn), "switches", 1);
            } else if (line.status == LineStatus.DEPRESCRIBED) {
                add(out, Buckets.month(practice, line.endedOn), "deprescribings", 1);
            }
        }
        for (ReviewView review : patient.reviews) {
            add(out, Buckets.month(practice, review.reviewedOn), "reviewsCompleted", 1);
        }
        for (AdherenceCheckView check : patient.adherenceChecks) {
            add(out, Buckets.month(practice, check.checkedOn), "adherenceChecks", 1);
            add(out, Buckets.month(practice, check.checkedOn), "adherentChecks", check.adherent ? 1 : 0);
        }
        for (AlertView alert : patient.alerts) {
            if (alert.decision != null && alert.respondedOn != null) {
                add(out, Buckets.month(practice, alert.respondedOn),
                    alert.decision == AlertDecision.ACCEPTED ? "alertsAccepted" : "alertsDeclined", 1);
            }
        }
    }

    /**
     * Waste and savings, twice: per month and dimension in {@code Y|practice|yyyy} ({@code waste.yyyy-MM.all},
     * {@code .category.CATEGORY}, {@code .medicine.code}; savings with {@code reason} for category), which whole months
     * of a summary read, and per day, product and category or reason in {@code M|practice|yyyy-MM}
     * ({@code wasteRows.dd|code|CATEGORY}), which the partial months at either end of a summary's range read.
     */
    private static void wasteAndSavings(Map<String, Map<String, Long>> out, PatientView patient, Catalogue catalogue) {
        for (WasteEntry e : Waste.of(patient, catalogue)) {
            add(out, Buckets.month(patient.practice, e.occurredOn()), "wastePence", e.wastePence());
            entry(out, patient.practice, e.occurredOn(), "waste", e.medicineCode(), "category", e.category().name(),
                  new long[]{e.wastePence(), Math.round(e.units() * MILLI), 1});
        }
        for (SavingsEntry e : Savings.of(patient, catalogue)) {
            add(out, Buckets.month(patient.practice, e.occurredOn()), "annualSavingsPence", e.annualSavingsPence());
            entry(out, patient.practice, e.occurredOn(), "savings", e.medicineCode(), "reason", e.reason(),
                  new long[]{e.annualSavingsPence(), 0, 1});
        }
    }

    /** An entry's figures, in this order. */
    static final String[] FIGURES = {"pence", "milliUnits", "count"};

    private static void entry(Map<String, Map<String, Long>> out, String practice, LocalDate date, String kind,
                              String medicine, String dimension, String value, long[] figures) {
        String monthBucket = Buckets.month(practice, date);
        String yearBucket = Buckets.year(practice, date.getYear());
        String row = kind + "Rows." + Buckets.row(String.format(Locale.ROOT, "%02d", date.getDayOfMonth()), medicine,
                                                  value);
        String month = kind + "." + YearMonth.from(date);
        for (int i = 0; i < FIGURES.length; i++) {
            add(out, monthBucket, row + "." + FIGURES[i], figures[i]);
            add(out, yearBucket, month + ".all." + FIGURES[i], figures[i]);
            add(out, yearBucket, month + ".medicine." + medicine + "." + FIGURES[i], figures[i]);
            add(out, yearBucket, month + "." + dimension + "." + value + "." + FIGURES[i], figures[i]);
        }
    }

    private static void add(Map<String, Map<String, Long>> out, String bucket, String field, long value) {
        if (value == 0) {
            return;
        }
        Map<String, Long> fields = out.computeIfAbsent(bucket, b -> new TreeMap<>());
        if (fields.merge(field, value, Long::sum) == 0) {
            fields.remove(field);
            if (fields.isEmpty()) {
                out.remove(bucket);
            }
        }
    }
}
