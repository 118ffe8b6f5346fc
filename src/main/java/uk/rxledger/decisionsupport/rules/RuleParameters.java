package uk.rxledger.decisionsupport.rules;

import uk.rxledger.regimen.Condition;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.ObservationKind;

import java.util.List;
import java.util.Map;

/**
 * The typed view of a rule's {@code parameters}; which ones a rule has depends on its {@link RuleKind} (absent ones
 * are null). Days are calendar days counted back from the evaluation date.
 *
 * @param minAge                 the rule holds only from this age (whole years on the evaluation date)
 * @param drugs                  the medicines the rule is about
 * @param unlessOnDrugs          the rule does not hold while the patient has an active line of these
 * @param together               groups of medicines that must all be taken at once
 * @param conditions             the rule needs one of these conditions
 * @param conditionScope         which recorded conditions count (default {@link ConditionScope#ACTIVE})
 * @param observation            the observation kind compared with {@code below}
 * @param below                  threshold: holds when the value is strictly below it (eGFR, adherence 0..1)
 * @param minDaysOnDrug          holds when today - startedOn >= this
 * @param onDrugLongerThanDays   holds when today - startedOn > this (started before today - this)
 * @param monitoring             tests that must each have been recorded within {@code monitoringWindowDays}
 * @param monitoringWindowDays   a test counts when observedOn is in [today - this, today]
 * @param fullDoseMgPerDay       full daily dose in mg per BNF chemical code
 * @param fullDoseLongerThanDays holds when the current full-dose stretch started more than this many days ago
 * @param excludeClasses         drug classes a duplicate-class rule ignores
 * @param minLines               how many lines make the rule hold
 * @param minAcbScore            ACB score from which a line counts as anticholinergic
 * @param minAcbTotal            total ACB score from which the rule holds
 * @param minActiveLines         number of active lines from which the rule holds
 * @param frailty                frailty levels that make the rule hold
 */
public record RuleParameters(
        Integer minAge,
        DrugSelector drugs,
        DrugSelector unlessOnDrugs,
        List<DrugSelector> together,
        List<Condition> conditions,
        ConditionScope conditionScope,
        ObservationKind observation,
        Double below,
        Integer minDaysOnDrug,
        Integer onDrugLongerThanDays,
        List<ObservationKind> monitoring,
        Integer monitoringWindowDays,
        Map<String, Double> fullDoseMgPerDay,
        Integer fullDoseLongerThanDays,
        List<String> excludeClasses,
        Integer minLines,
        Integer minAcbScore,
        Integer minAcbTotal,
        Integer minActiveLines,
        List<Frailty> frailty) {

    public static final RuleParameters NONE = new RuleParameters(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null);

    public RuleParameters {
        together = together == null ? null : List.copyOf(together);
        conditions = conditions == null ? null : List.copyOf(conditions);
        monitoring = monitoring == null ? null : List.copyOf(monitoring);
        fullDoseMgPerDay = fullDoseMgPerDay == null ? null : Map.copyOf(fullDoseMgPerDay);
        excludeClasses = excludeClasses == null ? null : List.copyOf(excludeClasses);
        frailty = frailty == null ? null : List.copyOf(frailty);
    }

    /** {@link ConditionScope#ACTIVE} unless the rule says otherwise. */
    public ConditionScope conditionScopeOrDefault() {
        return conditionScope == null ? ConditionScope.ACTIVE : conditionScope;
    }
}
