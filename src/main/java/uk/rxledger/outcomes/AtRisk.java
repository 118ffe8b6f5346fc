package uk.rxledger.outcomes;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.decisionsupport.rules.ConditionScope;
import uk.rxledger.decisionsupport.rules.DrugSelector;
import uk.rxledger.decisionsupport.rules.Rule;
import uk.rxledger.decisionsupport.rules.RuleParameters;
import uk.rxledger.regimen.Condition;
import uk.rxledger.regimen.LineStatus;
import uk.rxledger.regimen.ObservationKind;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.PatientView.LineView;
import uk.rxledger.regimen.PatientView.ObservationEntry;

import java.time.LocalDate;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A measure's denominator: whether a patient is "at risk" for a rule on a date, i.e. in the population the rule's
 * numerator is drawn from. Following the PINCER indicators as OpenSAFELY implements them, the population is the
 * rule without its hazardous exposure: for "NSAID, age >= 65, no gastroprotection" it is everyone aged 65 or more
 * without gastroprotection, and the numerator those of them on an NSAID. Per evaluation template (every rule also
 * needs its {@code minAge}):
 * <ul>
 *   <li>DRUG_RISK: has one of the rule's conditions (when it names any) and takes none of {@code unlessOnDrugs}
 *   (PINCER A, B, C, G, I; a rule with neither, such as SMR_ADDICTIVE, counts everyone);</li>
 *   <li>COMBINATION: takes a drug of at least one of the groups and none of {@code unlessOnDrugs} (PINCER names one
 *   group per indicator, e.g. the anticoagulant for D; the rule file does not say which, so any group counts);</li>
 *   <li>LOW_LATEST_OBSERVATION: the latest value is below the threshold (PINCER K: eGFR &lt; 45);</li>
 *   <li>LONG_TERM_DRUG_WITHOUT_MONITORING: on the drug for longer than the window (PINCER monitoring indicators);</li>
 *   <li>DRUG_DURATION, FULL_DOSE_DURATION: on the drug at all;</li>
 *   <li>DUPLICATE_CLASS: at least {@code minLines} active lines of classes the rule does not exclude;</li>
 *   <li>CONCOMITANT_ANTICHOLINERGICS: at least one active line with ACB score {@code minAcbScore} or more;</li>
 *   <li>ANTICHOLINERGIC_BURDEN, FORMULARY_ALTERNATIVE: at least one active line;</li>
 *   <li>LOW_ADHERENCE: at least one active line with an adherence check;</li>
 *   <li>ACTIVE_LINE_COUNT, CARE_HOME_RESIDENT, FRAILTY (the SMR cohorts): every registered patient.</li>
 * </ul>
 * Every numerator patient is at risk by these definitions; the measure still counts numerator AND denominator.
 */
public final class AtRisk {

    private AtRisk() {
    }

    public static boolean holds(Rule rule, PatientView patient, Catalogue catalogue, LocalDate today) {
        RuleParameters p = rule.parameters();
        if (p.minAge() != null && (patient.birthDate == null
                || Period.between(patient.birthDate, today).getYears() < p.minAge())) {
            return false;
        }
        Facts f = new Facts(patient, catalogue, today);
        return switch (rule.kind()) {
            case DRUG_RISK -> (p.conditions() == null || f.hasAny(p.conditions(), p.conditionScopeOrDefault()))
                    && f.notTaking(p.unlessOnDrugs());
            case COMBINATION -> p.together().stream().anyMatch(f::taking) && f.notTaking(p.unlessOnDrugs());
            case LOW_LATEST_OBSERVATION -> f.latestBelow(p.observation(), p.below());
            case LONG_TERM_DRUG_WITHOUT_MONITORING -> f.active().stream().anyMatch(
                    l -> f.matches(p.drugs(), l) && f.daysSince(l.startedOn) > p.onDrugLongerThanDays());
            case DRUG_DURATION, FULL_DOSE_DURATION -> f.taking(p.drugs());
            case DUPLICATE_CLASS -> f.active().stream().filter(l -> f.medicine(l) != null
                    && (p.excludeClasses() == null || !p.excludeClasses().contains(f.medicine(l).drugClass())))
                    .count() >= p.minLines();
            case CONCOMITANT_ANTICHOLINERGICS -> f.active().stream()
                    .anyMatch(l -> f.medicine(l) != null && f.medicine(l).acbScore() >= p.minAcbScore());
            case ANTICHOLINERGIC_BURDEN, FORMULARY_ALTERNATIVE -> !f.active().isEmpty();
            case LOW_ADHERENCE -> f.active().stream().anyMatch(l -> patient.adherenceChecks.stream()
                    .anyMatch(c -> l.id.equals(c.lineId) && c.checkedOn != null && !c.checkedOn.isAfter(today)));
            case ACTIVE_LINE_COUNT, CARE_HOME_RESIDENT, FRAILTY -> true;
        };
    }

    /** The patient as the definitions read it: active lines, conditions and observations up to the date. */
    private record Facts(PatientView patient, Catalogue catalogue, LocalDate today) {

        List<LineView> active() {
            return patient.lines.stream().filter(l -> l.status == LineStatus.ACTIVE).toList();
        }

        Medicine medicine(LineView line) {
            return catalogue.find(line.medicineCode).orElse(null);
        }

        boolean matches(DrugSelector drugs, LineView line) {
            Medicine medicine = medicine(line);
            return medicine != null && drugs.matches(medicine);
        }

        boolean taking(DrugSelector drugs) {
            return active().stream().anyMatch(l -> matches(drugs, l));
        }

        boolean notTaking(DrugSelector drugs) {
            return drugs == null || !taking(drugs);
        }

        long daysSince(LocalDate date) {
            return ChronoUnit.DAYS.between(date, today);
        }

        boolean hasAny(List<Condition> wanted, ConditionScope scope) {
            return patient.conditions.stream().anyMatch(c -> wanted.contains(c.condition) && c.recordedOn != null
                    && !c.recordedOn.isAfter(today)
                    && (scope == ConditionScope.HISTORY || c.resolvedOn == null || c.resolvedOn.isAfter(today)));
        }

        /** The latest value of the kind on or before the date (ties: the one recorded last) is below the threshold. */
        boolean latestBelow(ObservationKind kind, double below) {
            ObservationEntry latest = null;
            for (ObservationEntry o : patient.observations) {
                if (o.kind == kind && o.value != null && o.observedOn != null && !o.observedOn.isAfter(today)
                        && (latest == null || !o.observedOn.isBefore(latest.observedOn))) {
                    latest = o;
                }
            }
            return latest != null && latest.value < below;
        }
    }
}
