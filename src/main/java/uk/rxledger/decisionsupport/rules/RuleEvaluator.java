package uk.rxledger.decisionsupport.rules;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.regimen.Condition;
import uk.rxledger.regimen.ObservationKind;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.PatientView.AdherenceCheckView;
import uk.rxledger.regimen.PatientView.ConditionEntry;
import uk.rxledger.regimen.PatientView.DoseEntry;
import uk.rxledger.regimen.PatientView.LineView;
import uk.rxledger.regimen.PatientView.ObservationEntry;
import uk.rxledger.regimen.LineStatus;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Evaluates a {@link RuleSet} against one patient on one date. A pure function: it reads the patient, the catalogue
 * and the date only, changes nothing, and returns the same hits in the same order for the same input.
 *
 * <p>Definitions shared by every template:
 * <ul>
 *   <li>age: whole years between the birth date and {@code today} (unknown birth date: age rules do not hold);</li>
 *   <li>active line: status {@link LineStatus#ACTIVE}; lines whose product is not in the catalogue count as active
 *       lines but match no drug class;</li>
 *   <li>a condition counts when recordedOn &lt;= today and it is not resolved on or before today
 *       ({@link ConditionScope#ACTIVE}), or whenever recordedOn &lt;= today for "history of" rules
 *       ({@link ConditionScope#HISTORY});</li>
 *   <li>only observations, adherence checks and dose entries dated on or before today are used; "latest" is the one
 *       with the latest date, ties going to the one recorded last;</li>
 *   <li>"in the last N days" is [today - N, today].</li>
 * </ul>
 *
 * <p>Hits come in rule-file order, then by line ids. Where a rule can hold for several lines independently (an
 * NSAID without gastroprotection) there is one hit per line; where it is about a combination (an NSAID with an
 * anticoagulant, a missing blood test for the drugs that need it) one hit carries every line involved.
 */
public final class RuleEvaluator {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final Comparator<List<String>> BY_ELEMENTS = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };
    private static final Comparator<RuleHit> HIT_ORDER = Comparator.comparing(RuleHit::lineIds, BY_ELEMENTS)
            .thenComparing(RuleHit::observations, BY_ELEMENTS).thenComparing(RuleHit::message);
    /** Absorbs floating-point noise such as 0.1 x 3 in daily-dose arithmetic. */
    private static final double EPSILON = 1e-9;

    private RuleEvaluator() {
    }

    /** Every hit of every rule of {@code rules} for {@code patient} on {@code today}. */
    public static List<RuleHit> evaluate(PatientView patient, Catalogue catalogue, RuleSet rules, LocalDate today) {
        Objects.requireNonNull(rules, "rules");
        Facts facts = new Facts(patient, catalogue, today);
        List<RuleHit> hits = new ArrayList<>();
        for (Rule rule : rules.rules()) {
            hits.addAll(evaluate(rule, facts));
        }
        return List.copyOf(hits);
    }

    private static List<RuleHit> evaluate(Rule rule, Facts f) {
        RuleParameters p = rule.parameters();
        if (p.minAge() != null && (f.age == null || f.age < p.minAge())) {
            return List.of();
        }
        List<Finding> findings = switch (rule.kind()) {
            case DRUG_RISK -> drugRisk(p, f);
            case COMBINATION -> combination(p, f);
            case LOW_LATEST_OBSERVATION -> lowLatestObservation(p, f);
            case LONG_TERM_DRUG_WITHOUT_MONITORING -> longTermDrugWithoutMonitoring(p, f);
            case DRUG_DURATION -> drugDuration(p, f);
            case FULL_DOSE_DURATION -> fullDoseDuration(p, f);
            case DUPLICATE_CLASS -> duplicateClass(p, f);
            case CONCOMITANT_ANTICHOLINERGICS -> concomitantAnticholinergics(p, f);
            case ANTICHOLINERGIC_BURDEN -> anticholinergicBurden(p, f);
            case ACTIVE_LINE_COUNT -> activeLineCount(p, f);
            case CARE_HOME_RESIDENT -> f.patient.careHomeResident ? List.of(Finding.patientLevel()) : List.of();
            case FRAILTY -> f.patient.frailty != null && p.frailty().contains(f.patient.frailty)
                    ? List.of(Finding.patientLevel()) : List.of();
            case LOW_ADHERENCE -> lowAdherence(p, f);
            case FORMULARY_ALTERNATIVE -> formularyAlternative(f);
        };
        return findings.stream().map(finding -> finding.toHit(rule, f)).sorted(HIT_ORDER).toList();
    }

    // ------------------------------------------------------------------ templates

    private static List<Finding> drugRisk(RuleParameters p, Facts f) {
        List<Active> lines = f.taking(p.drugs());
        List<Condition> conditions = List.of();
        if (p.conditions() != null) {
            conditions = f.present(p.conditions(), p.conditionScopeOrDefault());
            if (conditions.isEmpty()) {
                return List.of();
            }
        }
        if (p.unlessOnDrugs() != null && !f.taking(p.unlessOnDrugs()).isEmpty()) {
            return List.of();
        }
        List<String> names = conditions.stream().map(Enum::name).toList();
        return lines.stream().map(a -> new Finding(List.of(a.id()), names, List.of(), Map.of())).toList();
    }

    private static List<Finding> combination(RuleParameters p, Facts f) {
        TreeSet<String> ids = new TreeSet<>();
        for (DrugSelector group : p.together()) {
            List<Active> lines = f.taking(group);
            if (lines.isEmpty()) {
                return List.of();
            }
            lines.forEach(a -> ids.add(a.id()));
        }
        if (p.unlessOnDrugs() != null && !f.taking(p.unlessOnDrugs()).isEmpty()) {
            return List.of();
        }
        return List.of(Finding.lines(List.copyOf(ids)));
    }

    private static List<Finding> lowLatestObservation(RuleParameters p, Facts f) {
        List<Active> lines = f.taking(p.drugs());
        if (lines.isEmpty()) {
            return List.of();
        }
        Optional<ObservationEntry> latest = f.latestWithValue(p.observation());
        if (latest.isEmpty() || latest.get().value >= p.below()) {
            return List.of();
        }
        List<String> evidence = List.of(describe(latest.get()));
        return lines.stream().map(a -> new Finding(List.of(a.id()), List.of(), evidence, Map.of())).toList();
    }

    /** PINCER monitoring: on the drug for longer than the window (started before today - window), test missing. */
    private static List<Finding> longTermDrugWithoutMonitoring(RuleParameters p, Facts f) {
        List<String> ids = f.taking(p.drugs()).stream()
                .filter(a -> f.daysSince(a.line().startedOn) > p.onDrugLongerThanDays())
                .map(Active::id).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> evidence = new ArrayList<>();
        boolean missing = false;
        for (ObservationKind kind : p.monitoring()) {
            Optional<ObservationEntry> test = f.latestWithin(kind, p.monitoringWindowDays());
            if (test.isPresent()) {
                evidence.add(describe(test.get()));
            } else {
                missing = true;
                evidence.add("no " + kind + " in the " + p.monitoringWindowDays() + " days before " + f.today);
            }
        }
        return missing ? List.of(new Finding(ids, List.of(), evidence, Map.of())) : List.of();
    }

    private static List<Finding> drugDuration(RuleParameters p, Facts f) {
        List<Finding> findings = new ArrayList<>();
        for (Active a : f.taking(p.drugs())) {
            long days = f.daysSince(a.line().startedOn);
            if (days >= p.minDaysOnDrug()) {
                findings.add(new Finding(List.of(a.id()), List.of(), List.of(), Map.of("days", String.valueOf(days))));
            }
        }
        return findings;
    }

    /**
     * Full dose continuously: the latest stretch of dose entries that are all at or above the product's full daily
     * dose must have started more than the window ago. A step down below full dose restarts the clock.
     */
    private static List<Finding> fullDoseDuration(RuleParameters p, Facts f) {
        List<Finding> findings = new ArrayList<>();
        for (Active a : f.taking(p.drugs())) {
            Double strengthMg = a.medicine().strengthMg();
            Double fullDose = p.fullDoseMgPerDay().get(a.medicine().bnfChemicalCode());
            if (strengthMg == null || fullDose == null) {
                continue; // no mg strength or no published full dose: cannot judge, so do not guess
            }
            List<DoseEntry> doses = f.dosesUpToToday(a.line());
            int first = doses.size() - 1;
            if (first < 0 || doses.get(first).dailyUnits() * strengthMg < fullDose - EPSILON) {
                continue;
            }
            while (first > 0 && doses.get(first - 1).dailyUnits() * strengthMg >= fullDose - EPSILON) {
                first--;
            }
            long days = f.daysSince(doses.get(first).from);
            if (days > p.fullDoseLongerThanDays()) {
                double dailyMg = doses.get(doses.size() - 1).dailyUnits() * strengthMg;
                findings.add(new Finding(List.of(a.id()), List.of(), List.of(),
                        Map.of("days", String.valueOf(days), "dailyDoseMg", number(dailyMg))));
            }
        }
        return findings;
    }

    private static List<Finding> duplicateClass(RuleParameters p, Facts f) {
        List<String> excluded = p.excludeClasses() == null ? List.of() : p.excludeClasses();
        Map<String, List<String>> byClass = new TreeMap<>();
        for (Active a : f.withKnownMedicine()) {
            if (!excluded.contains(a.medicine().drugClass())) {
                byClass.computeIfAbsent(a.medicine().drugClass(), k -> new ArrayList<>()).add(a.id());
            }
        }
        List<Finding> findings = new ArrayList<>();
        byClass.forEach((drugClass, ids) -> {
            if (ids.size() >= p.minLines()) {
                findings.add(new Finding(ids, List.of(), List.of(),
                        Map.of("drugClass", drugClass, "count", String.valueOf(ids.size()))));
            }
        });
        return findings;
    }

    private static List<Finding> concomitantAnticholinergics(RuleParameters p, Facts f) {
        List<String> ids = f.withKnownMedicine().stream()
                .filter(a -> a.medicine().acbScore() >= p.minAcbScore()).map(Active::id).toList();
        return ids.size() >= p.minLines()
                ? List.of(new Finding(ids, List.of(), List.of(), Map.of("count", String.valueOf(ids.size()))))
                : List.of();
    }

    private static List<Finding> anticholinergicBurden(RuleParameters p, Facts f) {
        int total = f.withKnownMedicine().stream().mapToInt(a -> a.medicine().acbScore()).sum();
        if (total < p.minAcbTotal()) {
            return List.of();
        }
        List<String> ids = f.withKnownMedicine().stream()
                .filter(a -> a.medicine().acbScore() > 0).map(Active::id).toList();
        return List.of(new Finding(ids, List.of(), List.of(), Map.of("acbTotal", String.valueOf(total))));
    }

    private static List<Finding> activeLineCount(RuleParameters p, Facts f) {
        List<String> ids = f.active.stream().map(Active::id).toList();
        return ids.size() >= p.minActiveLines()
                ? List.of(new Finding(ids, List.of(), List.of(), Map.of("count", String.valueOf(ids.size()))))
                : List.of();
    }

    private static List<Finding> lowAdherence(RuleParameters p, Facts f) {
        List<Finding> findings = new ArrayList<>();
        for (Active a : f.active) {
            Optional<AdherenceCheckView> latest = f.latestCheck(a.id());
            if (latest.isPresent() && latest.get().adherence < p.below()) {
                AdherenceCheckView check = latest.get();
                String percent = percent(check.adherence);
                String text = "adherence " + percent + " by " + check.method + " on " + check.checkedOn
                        + " (period " + check.periodStart + " to " + check.periodEnd + ")";
                findings.add(new Finding(List.of(a.id()), List.of(), List.of(text), Map.of("adherence", percent)));
            }
        }
        return findings;
    }

    private static List<Finding> formularyAlternative(Facts f) {
        List<Finding> findings = new ArrayList<>();
        for (Active a : f.withKnownMedicine()) {
            f.catalogue.formularyAlternative(a.medicine()).ifPresent(alternative -> findings.add(new Finding(
                    List.of(a.id()), List.of(), List.of(), Map.of("alternatives", alternative.name()))));
        }
        return findings;
    }

    // ------------------------------------------------------------------ text

    /** "EGFR 38 mL/min/1.73m2 on 2026-01-02"; "RENAL_FUNCTION_TEST on 2026-01-02" for a test without a value. */
    static String describe(ObservationEntry o) {
        StringBuilder text = new StringBuilder(o.kind.name());
        if (o.value != null) {
            text.append(' ').append(number(o.value));
            if (o.unit != null && !o.unit.isBlank()) {
                text.append(' ').append(o.unit.trim());
            }
        }
        return text.append(" on ").append(o.observedOn).toString();
    }

    private static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** One decimal at most, so 0.795 reads 79.5% and never rounds up to the 80% threshold. */
    private static String percent(double fraction) {
        return BigDecimal.valueOf(fraction * 100).setScale(1, RoundingMode.DOWN).stripTrailingZeros().toPlainString()
                + "%";
    }

    // ------------------------------------------------------------------ model

    /** What made a rule hold, before the message is rendered. */
    private record Finding(List<String> lineIds, List<String> conditions, List<String> observations,
                           Map<String, String> values) {

        static Finding patientLevel() {
            return lines(List.of());
        }

        static Finding lines(List<String> lineIds) {
            return new Finding(lineIds, List.of(), List.of(), Map.of());
        }

        RuleHit toHit(Rule rule, Facts f) {
            List<String> ids = lineIds.stream().sorted().toList();
            Map<String, String> placeholders = new HashMap<>(values);
            placeholders.put("medicines", ids.stream().map(f::medicineName).collect(Collectors.joining(", ")));
            placeholders.put("conditions", String.join(", ", conditions));
            placeholders.put("observations", String.join("; ", observations));
            placeholders.put("age", f.age == null ? "unknown" : String.valueOf(f.age));
            return new RuleHit(rule.code(), ids, conditions, observations, render(rule.message(), placeholders));
        }

        private static String render(String template, Map<String, String> values) {
            Matcher m = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
            }
            return m.appendTail(out).toString();
        }
    }

    /** An active line and its catalogue product (null when the code is not in the catalogue). */
    private record Active(LineView line, Medicine medicine) {
        String id() {
            return line.id;
        }
    }

    /** The patient as the templates see it on the evaluation date, computed once per evaluation. */
    private static final class Facts {
        final PatientView patient;
        final Catalogue catalogue;
        final LocalDate today;
        final Integer age;
        final List<Active> active;

        Facts(PatientView patient, Catalogue catalogue, LocalDate today) {
            this.patient = Objects.requireNonNull(patient, "patient");
            this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
            this.today = Objects.requireNonNull(today, "today");
            this.age = patient.birthDate == null ? null : Period.between(patient.birthDate, today).getYears();
            this.active = patient.lines.stream().filter(l -> l.status == LineStatus.ACTIVE)
                    .map(l -> new Active(l, catalogue.find(l.medicineCode).orElse(null)))
                    .sorted(Comparator.comparing(Active::id)).toList();
        }

        List<Active> withKnownMedicine() {
            return active.stream().filter(a -> a.medicine() != null).toList();
        }

        List<Active> taking(DrugSelector selector) {
            return withKnownMedicine().stream().filter(a -> selector.matches(a.medicine())).toList();
        }

        String medicineName(String lineId) {
            return patient.line(lineId).map(l -> catalogue.find(l.medicineCode).map(Medicine::name)
                    .orElse(l.medicineCode)).orElse(lineId);
        }

        long daysSince(LocalDate date) {
            return ChronoUnit.DAYS.between(date, today);
        }

        /** The wanted conditions the patient has, in the rule's order. */
        List<Condition> present(List<Condition> wanted, ConditionScope scope) {
            return wanted.stream().filter(c -> patient.conditions.stream().anyMatch(e -> counts(e, c, scope)))
                    .toList();
        }

        private boolean counts(ConditionEntry e, Condition wanted, ConditionScope scope) {
            if (e.condition != wanted || e.recordedOn == null || e.recordedOn.isAfter(today)) {
                return false;
            }
            return scope == ConditionScope.HISTORY || e.resolvedOn == null || e.resolvedOn.isAfter(today);
        }

        Optional<ObservationEntry> latestWithValue(ObservationKind kind) {
            return latest(kind, null, true);
        }

        Optional<ObservationEntry> latestWithin(ObservationKind kind, int days) {
            return latest(kind, today.minusDays(days), false);
        }

        private Optional<ObservationEntry> latest(ObservationKind kind, LocalDate from, boolean needsValue) {
            ObservationEntry latest = null;
            for (ObservationEntry o : patient.observations) {
                if (o.kind != kind || o.observedOn == null || o.observedOn.isAfter(today)
                        || (from != null && o.observedOn.isBefore(from)) || (needsValue && o.value == null)) {
                    continue;
                }
                if (latest == null || !o.observedOn.isBefore(latest.observedOn)) {
                    latest = o; // ties: the one recorded last
                }
            }
            return Optional.ofNullable(latest);
        }

        Optional<AdherenceCheckView> latestCheck(String lineId) {
            AdherenceCheckView latest = null;
            for (AdherenceCheckView c : patient.adherenceChecks) {
                if (!lineId.equals(c.lineId) || c.checkedOn == null || c.checkedOn.isAfter(today)) {
                    continue;
                }
                if (latest == null || !c.checkedOn.isBefore(latest.checkedOn)) {
                    latest = c;
                }
            }
            return Optional.ofNullable(latest);
        }

        /** The line's doses in force up to today, in date order; the starting dose alone for a view without history. */
        List<DoseEntry> dosesUpToToday(LineView line) {
            List<DoseEntry> doses = line.doses;
            if (doses == null || doses.isEmpty()) {
                DoseEntry only = new DoseEntry();
                only.from = line.startedOn;
                only.unitsPerDose = line.unitsPerDose;
                only.dosesPerDay = line.dosesPerDay;
                doses = List.of(only);
            }
            return doses.stream().filter(d -> d.from != null && !d.from.isAfter(today))
                    .sorted(Comparator.comparing((DoseEntry d) -> d.from)).toList();
        }
    }
}
