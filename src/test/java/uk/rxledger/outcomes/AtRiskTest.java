package uk.rxledger.outcomes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.decisionsupport.rules.Rule;
import uk.rxledger.decisionsupport.rules.RuleEvaluator;
import uk.rxledger.decisionsupport.rules.RuleHit;
import uk.rxledger.decisionsupport.rules.RuleSet;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.Condition;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.LineStatus;
import uk.rxledger.regimen.ObservationKind;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.PatientView.AdherenceCheckView;
import uk.rxledger.regimen.PatientView.ConditionEntry;
import uk.rxledger.regimen.PatientView.DoseEntry;
import uk.rxledger.regimen.PatientView.LineView;
import uk.rxledger.regimen.PatientView.ObservationEntry;
import uk.rxledger.regimen.Sex;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static uk.rxledger.regimen.Condition.ASTHMA;
import static uk.rxledger.regimen.Condition.FALLS;
import static uk.rxledger.regimen.Condition.HEART_FAILURE;
import static uk.rxledger.regimen.Condition.PEPTIC_ULCER_OR_GI_BLEED;
import static uk.rxledger.regimen.ObservationKind.EGFR;
import static uk.rxledger.regimen.ObservationKind.FULL_BLOOD_COUNT;

/**
 * The denominators of {@code measure}: who is "at risk" for each rule code of the rule set (ADR 0009's table), with a
 * case in and a case out for every code whose population is not simply everyone. Each case also checks the measure's
 * invariant: a patient for whom the rule holds (the numerator) is at risk, since {@link Contributions} counts the
 * numerator only inside the denominator. Today is 2026-11-23; patients are 50 unless a case says otherwise.
 */
class AtRiskTest {

    static final LocalDate TODAY = LocalDate.of(2026, 11, 23);
    static final Catalogue CATALOGUE = Catalogue.loadDefault();
    static final RuleSet RULES = RuleSet.loadDefault();

    /** The SMR cohorts: everyone registered is at risk, so they have no case out. */
    static final Set<String> EVERYONE = Set.of("SMR_POLYPHARMACY", "SMR_ADDICTIVE", "SMR_CARE_HOME",
                                               "SMR_SEVERE_FRAILTY");

    static final String NAPROXEN = "1001010P0AAAEAE";
    static final String OMEPRAZOLE = "0103050P0AAAAAA";
    static final String LANSOPRAZOLE = "0103050L0AAAAAA";
    static final String ESOMEPRAZOLE = "0103050E0AAAAAA";
    static final String FAMOTIDINE = "0103010H0AAAAAA";
    static final String ASPIRIN = "0209000A0AAABAB";
    static final String CLOPIDOGREL = "0209000C0AAAAAA";
    static final String WARFARIN = "0208020V0AAABAB";
    static final String APIXABAN = "0208020Z0AAABAB";
    static final String RAMIPRIL = "0205051R0AAACAC";
    static final String LOSARTAN = "0205052N0AAABAB";
    static final String FUROSEMIDE = "0202020L0AABDBD";
    static final String BISOPROLOL = "0204000H0AAAAAA";
    static final String PROPRANOLOL = "0204000R0AAAJAJ";
    static final String VERAPAMIL = "0206020T0AAADAD";
    static final String AMLODIPINE = "0206020A0AAAAAA";
    static final String AMIODARONE = "0203020D0AAABAB";
    static final String METHOTREXATE = "1001030U0AAABAB";
    static final String LITHIUM = "0402030K0AAAFAF";
    static final String METFORMIN = "0601022B0AAABAB";
    static final String DIAZEPAM = "0401020K0AAAIAI";
    static final String ZOPICLONE = "0401010Z0AAAAAA";
    static final String CODEINE = "0407020C0AAAEAE";
    static final String SENNA = "0106020M0AAACAC";
    static final String AMITRIPTYLINE = "0403010B0AAAGAG";
    static final String PARACETAMOL = "0407010H0AAAMAM";

    static Stream<Arguments> cases() {
        return Stream.of(
                // PINCER A: 65+ without a PPI or H2 antagonist
                in("PINCER_GI_P3A", "65 today, nothing prescribed", p().age(65)),
                in("PINCER_GI_P3A", "70 on naproxen without gastroprotection (numerator)", p().age(70).on(NAPROXEN)),
                in("PINCER_GI_P3A", "70, the PPI was stopped", p().age(70).on(OMEPRAZOLE).deprescribed()),
                out("PINCER_GI_P3A", "64", p().age(64).on(NAPROXEN)),
                out("PINCER_GI_P3A", "70 on a PPI", p().age(70).on(NAPROXEN).on(OMEPRAZOLE)),
                out("PINCER_GI_P3A", "70 on an H2 antagonist", p().age(70).on(FAMOTIDINE)),
                // PINCER B: peptic ulcer or GI bleed ever, no PPI or H2 antagonist
                in("PINCER_GI_P3B", "GI bleed history, resolved", p().condition(PEPTIC_ULCER_OR_GI_BLEED, true)),
                in("PINCER_GI_P3B", "GI bleed on naproxen (numerator)",
                   p().condition(PEPTIC_ULCER_OR_GI_BLEED, false).on(NAPROXEN)),
                out("PINCER_GI_P3B", "no GI history", p().on(NAPROXEN)),
                out("PINCER_GI_P3B", "GI bleed history on a PPI",
                    p().condition(PEPTIC_ULCER_OR_GI_BLEED, true).on(LANSOPRAZOLE)),
                // PINCER C: as B (the antiplatelet is the exposure)
                in("PINCER_GI_P3C", "GI bleed history", p().condition(PEPTIC_ULCER_OR_GI_BLEED, true)),
                in("PINCER_GI_P3C", "GI bleed on clopidogrel (numerator)",
                   p().condition(PEPTIC_ULCER_OR_GI_BLEED, false).on(CLOPIDOGREL)),
                out("PINCER_GI_P3C", "no GI history, on clopidogrel", p().on(CLOPIDOGREL)),
                out("PINCER_GI_P3C", "GI bleed history on an H2 antagonist",
                    p().condition(PEPTIC_ULCER_OR_GI_BLEED, true).on(FAMOTIDINE)),
                // PINCER D: an NSAID or an oral anticoagulant
                in("PINCER_GI_P3D", "on naproxen", p().on(NAPROXEN)),
                in("PINCER_GI_P3D", "on apixaban", p().on(APIXABAN)),
                in("PINCER_GI_P3D", "on both (numerator)", p().on(NAPROXEN).on(WARFARIN)),
                out("PINCER_GI_P3D", "on aspirin only", p().on(ASPIRIN)),
                out("PINCER_GI_P3D", "naproxen stopped", p().on(NAPROXEN).deprescribed()),
                // PINCER E: an anticoagulant or an antiplatelet, no PPI
                in("PINCER_GI_P3E", "on warfarin", p().on(WARFARIN)),
                in("PINCER_GI_P3E", "on clopidogrel with an H2 antagonist (not a PPI)",
                   p().on(CLOPIDOGREL).on(FAMOTIDINE)),
                in("PINCER_GI_P3E", "on both (numerator)", p().on(WARFARIN).on(CLOPIDOGREL)),
                out("PINCER_GI_P3E", "on warfarin with a PPI", p().on(WARFARIN).on(OMEPRAZOLE)),
                out("PINCER_GI_P3E", "on naproxen only", p().on(NAPROXEN)),
                // PINCER F: aspirin or another antiplatelet, no PPI
                in("PINCER_GI_P3F", "on aspirin", p().on(ASPIRIN)),
                in("PINCER_GI_P3F", "on clopidogrel", p().on(CLOPIDOGREL)),
                in("PINCER_GI_P3F", "on both (numerator)", p().on(ASPIRIN).on(CLOPIDOGREL)),
                out("PINCER_GI_P3F", "on aspirin with a PPI", p().on(ASPIRIN).on(ESOMEPRAZOLE)),
                out("PINCER_GI_P3F", "on warfarin only", p().on(WARFARIN)),
                // PINCER G: asthma, active
                in("PINCER_AS_P3G", "asthma", p().condition(ASTHMA, false)),
                in("PINCER_AS_P3G", "asthma on propranolol (numerator)", p().condition(ASTHMA, false).on(PROPRANOLOL)),
                out("PINCER_AS_P3G", "asthma resolved", p().condition(ASTHMA, true).on(PROPRANOLOL)),
                out("PINCER_AS_P3G", "no asthma", p().on(PROPRANOLOL)),
                // PINCER I: heart failure, active
                in("PINCER_HF_P3I", "heart failure", p().condition(HEART_FAILURE, false)),
                in("PINCER_HF_P3I", "heart failure on naproxen (numerator)",
                   p().condition(HEART_FAILURE, false).on(NAPROXEN)),
                out("PINCER_HF_P3I", "heart failure resolved", p().condition(HEART_FAILURE, true)),
                out("PINCER_HF_P3I", "no heart failure", p().on(NAPROXEN)),
                // PINCER K: latest eGFR below 45
                in("PINCER_KI_P3K", "latest eGFR 44", p().egfr(60, 100).egfr(44, 10)),
                in("PINCER_KI_P3K", "eGFR 40 on naproxen (numerator)", p().egfr(40, 10).on(NAPROXEN)),
                out("PINCER_KI_P3K", "latest eGFR 45", p().egfr(45, 10)),
                out("PINCER_KI_P3K", "eGFR 30 once, latest 60", p().egfr(30, 100).egfr(60, 10).on(NAPROXEN)),
                out("PINCER_KI_P3K", "no eGFR", p().on(NAPROXEN)),
                // PINCER 13: 75+ on an ACE inhibitor, ARB or loop diuretic for more than 456 days (15 months)
                in("PINCER_MO_P13", "75 on ramipril for 457 days", p().age(75).on(RAMIPRIL, 457)),
                in("PINCER_MO_P13", "80 on furosemide for 600 days", p().age(80).on(FUROSEMIDE, 600)),
                out("PINCER_MO_P13", "75 on losartan for 456 days", p().age(75).on(LOSARTAN, 456)),
                out("PINCER_MO_P13", "74 on ramipril for 600 days", p().age(74).on(RAMIPRIL, 600)),
                out("PINCER_MO_P13", "80 on bisoprolol for 600 days", p().age(80).on(BISOPROLOL, 600)),
                // PINCER 15, 17, 18: on the drug for more than 91, 91, 182 days, monitored or not
                in("PINCER_MO_P15", "methotrexate for 92 days", p().on(METHOTREXATE, 92)),
                in("PINCER_MO_P15", "methotrexate for 120 days, monitored",
                   p().on(METHOTREXATE, 120).test(FULL_BLOOD_COUNT, 5)),
                out("PINCER_MO_P15", "methotrexate for 91 days", p().on(METHOTREXATE, 91)),
                out("PINCER_MO_P15", "methotrexate stopped", p().on(METHOTREXATE, 200).deprescribed()),
                in("PINCER_MO_P17", "lithium for 92 days", p().on(LITHIUM, 92)),
                out("PINCER_MO_P17", "lithium for 91 days", p().on(LITHIUM, 91)),
                in("PINCER_MO_P18", "amiodarone for 183 days", p().on(AMIODARONE, 183)),
                out("PINCER_MO_P18", "amiodarone for 182 days", p().on(AMIODARONE, 182)),
                // STOPP A3: 65+ with two or more active lines (any classes)
                in("STOPP_A3", "65 on two different classes", p().age(65).on(OMEPRAZOLE).on(PARACETAMOL)),
                in("STOPP_A3", "70 on two PPIs (numerator)", p().age(70).on(OMEPRAZOLE).on(LANSOPRAZOLE)),
                out("STOPP_A3", "70 on one line", p().age(70).on(OMEPRAZOLE)),
                out("STOPP_A3", "70, the second line stopped", p().age(70).on(OMEPRAZOLE).on(PARACETAMOL)
                        .deprescribed()),
                out("STOPP_A3", "64 on two lines", p().age(64).on(OMEPRAZOLE).on(PARACETAMOL)),
                // STOPP B3: 65+ on a beta-blocker or a rate-limiting calcium-channel blocker
                in("STOPP_B3", "70 on bisoprolol", p().age(70).on(BISOPROLOL)),
                in("STOPP_B3", "70 on verapamil", p().age(70).on(VERAPAMIL)),
                in("STOPP_B3", "70 on both (numerator)", p().age(70).on(BISOPROLOL).on(VERAPAMIL)),
                out("STOPP_B3", "70 on amlodipine", p().age(70).on(AMLODIPINE)),
                out("STOPP_B3", "64 on bisoprolol", p().age(64).on(BISOPROLOL)),
                // STOPP D5: 65+ on a benzodiazepine, however long
                in("STOPP_D5", "70 on diazepam for a day", p().age(70).on(DIAZEPAM, 1)),
                in("STOPP_D5", "70 on diazepam for 28 days (numerator)", p().age(70).on(DIAZEPAM, 28)),
                out("STOPP_D5", "70 on zopiclone (a Z-drug)", p().age(70).on(ZOPICLONE, 60)),
                out("STOPP_D5", "64 on diazepam", p().age(64).on(DIAZEPAM, 60)),
                // STOPP E4, E6: 65+ with latest eGFR below 50, 30
                in("STOPP_E4", "70, eGFR 49", p().age(70).egfr(49, 10)),
                out("STOPP_E4", "70, eGFR 50", p().age(70).egfr(50, 10).on(NAPROXEN)),
                out("STOPP_E4", "64, eGFR 30", p().age(64).egfr(30, 10)),
                in("STOPP_E6", "70, eGFR 29 on metformin (numerator)", p().age(70).egfr(29, 10).on(METFORMIN)),
                out("STOPP_E6", "70, eGFR 30", p().age(70).egfr(30, 10).on(METFORMIN)),
                // STOPP F2: 65+ on a PPI, at any dose
                in("STOPP_F2", "70 on omeprazole 20 mg once a day", p().age(70).on(OMEPRAZOLE, 200)),
                in("STOPP_F2", "70 on omeprazole 40 mg a day for 60 days (numerator)",
                   p().age(70).on(OMEPRAZOLE, 60).dose(2, 1)),
                out("STOPP_F2", "70 on famotidine", p().age(70).on(FAMOTIDINE, 200)),
                out("STOPP_F2", "64 on omeprazole", p().age(64).on(OMEPRAZOLE, 200)),
                // STOPP K1: 65+ with falls, active
                in("STOPP_K1", "70 with falls", p().age(70).condition(FALLS, false)),
                in("STOPP_K1", "70 with falls on zopiclone (numerator)", p().age(70).condition(FALLS, false)
                        .on(ZOPICLONE)),
                out("STOPP_K1", "70, falls resolved", p().age(70).condition(FALLS, true).on(DIAZEPAM)),
                out("STOPP_K1", "64 with falls", p().age(64).condition(FALLS, false)),
                // STOPP L2: 65+ without a laxative
                in("STOPP_L2", "65, nothing prescribed", p().age(65)),
                in("STOPP_L2", "70 on codeine (numerator)", p().age(70).on(CODEINE)),
                out("STOPP_L2", "70 on codeine and senna", p().age(70).on(CODEINE).on(SENNA)),
                out("STOPP_L2", "64", p().age(64).on(CODEINE)),
                // STOPP M1: 65+ with an active line of ACB score 3 or more
                in("STOPP_M1", "70 on amitriptyline", p().age(70).on(AMITRIPTYLINE)),
                out("STOPP_M1", "70 on codeine (ACB 1) and furosemide (ACB 1)", p().age(70).on(CODEINE)
                        .on(FUROSEMIDE)),
                out("STOPP_M1", "64 on amitriptyline", p().age(64).on(AMITRIPTYLINE)),
                // ACB total, formulary switch: any active line
                in("ACB_TOTAL_3", "on paracetamol (ACB 0)", p().on(PARACETAMOL)),
                in("ACB_TOTAL_3", "on amitriptyline (numerator)", p().on(AMITRIPTYLINE)),
                out("ACB_TOTAL_3", "nothing prescribed", p()),
                out("ACB_TOTAL_3", "the only line stopped", p().on(AMITRIPTYLINE).deprescribed()),
                in("FORMULARY_SWITCH", "on omeprazole (no cheaper alternative)", p().on(OMEPRAZOLE)),
                in("FORMULARY_SWITCH", "on esomeprazole (numerator)", p().on(ESOMEPRAZOLE)),
                out("FORMULARY_SWITCH", "nothing prescribed", p()),
                out("FORMULARY_SWITCH", "the only line stopped", p().on(ESOMEPRAZOLE).deprescribed()),
                // PDC: an active line with an adherence check
                in("PDC_LOW", "an adherent check", p().on(OMEPRAZOLE).checked(0.95, 5)),
                in("PDC_LOW", "a check below 0.80 (numerator)", p().on(OMEPRAZOLE).checked(0.5, 5)),
                out("PDC_LOW", "an active line never checked", p().on(OMEPRAZOLE)),
                out("PDC_LOW", "only the stopped line was checked", p().on(OMEPRAZOLE).checked(0.5, 5).deprescribed()
                        .on(LANSOPRAZOLE)),
                // SMR cohorts: everyone
                in("SMR_POLYPHARMACY", "30, nothing prescribed", p().age(30)),
                in("SMR_ADDICTIVE", "30, nothing prescribed", p().age(30)),
                in("SMR_ADDICTIVE", "on codeine (numerator)", p().on(CODEINE)),
                in("SMR_CARE_HOME", "not in a care home", p().age(30)),
                in("SMR_CARE_HOME", "in a care home (numerator)", p().careHome()),
                in("SMR_SEVERE_FRAILTY", "not frail", p().age(30)),
                in("SMR_SEVERE_FRAILTY", "severely frail (numerator)", p().frailty(Frailty.SEVERE)));
    }

    @ParameterizedTest(name = "{0} {3}: {1}")
    @MethodSource("cases")
    void atRiskPerRule(String code, String description, Patient patient, String expected) {
        Rule rule = RULES.find(code).orElseThrow();
        PatientView view = patient.view;
        boolean atRisk = AtRisk.holds(rule, view, CATALOGUE, TODAY);
        assertThat(atRisk).as(code + ": " + description).isEqualTo(expected.equals("in"));
        boolean holds = RuleEvaluator.evaluate(view, CATALOGUE, RULES, TODAY).stream()
                .map(RuleHit::ruleCode).anyMatch(code::equals);
        if (holds) {
            assertThat(atRisk).as("a patient the rule holds for is in its denominator").isTrue();
        }
        if (description.contains("(numerator)")) {
            assertThat(holds).as(code + " holds for " + description).isTrue();
        }
    }

    /** Every rule of the rule set has a case in and, unless its population is everyone, a case out. */
    @Test
    void everyRuleCodeHasCasesInAndOut() {
        Map<String, Set<String>> seen = new HashMap<>();
        cases().forEach(a -> seen.computeIfAbsent((String) a.get()[0], k -> new HashSet<>()).add((String) a.get()[3]));
        Set<String> codes = RULES.rules().stream().map(Rule::code).collect(Collectors.toSet());
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(codes);
        codes.forEach(code -> assertThat(seen.get(code)).as(code)
                .isEqualTo(EVERYONE.contains(code) ? Set.of("in") : Set.of("in", "out")));
    }

    // ------------------------------------------------------------------ helpers

    static Arguments in(String code, String description, Patient patient) {
        return arguments(code, description, patient, "in");
    }

    static Arguments out(String code, String description, Patient patient) {
        return arguments(code, description, patient, "out");
    }

    static Patient p() {
        return new Patient();
    }

    /** A registered patient of 50 built up fluently; line settings apply to the last line added. */
    static final class Patient {
        final PatientView view = new PatientView();
        private LineView last;

        Patient() {
            view.id = "p1";
            view.practice = "A81001";
            view.birthDate = TODAY.minusYears(50);
            view.sex = Sex.FEMALE;
            view.frailty = Frailty.NONE;
        }

        Patient age(int years) {
            view.birthDate = TODAY.minusYears(years);
            return this;
        }

        /** An active line at one unit once a day, started 30 days ago. */
        Patient on(String code) {
            return on(code, 30);
        }

        Patient on(String code, int daysAgo) {
            LineView line = new LineView();
            line.id = "L" + (view.lines.size() + 1);
            line.medicineCode = code;
            line.status = LineStatus.ACTIVE;
            line.startedOn = TODAY.minusDays(daysAgo);
            view.lines.add(line);
            last = line;
            return dose(1, 1);
        }

        Patient dose(double unitsPerDose, double dosesPerDay) {
            last.unitsPerDose = unitsPerDose;
            last.dosesPerDay = dosesPerDay;
            DoseEntry first = new DoseEntry();
            first.from = last.startedOn;
            first.unitsPerDose = unitsPerDose;
            first.dosesPerDay = dosesPerDay;
            last.doses.clear();
            last.doses.add(first);
            return this;
        }

        Patient deprescribed() {
            last.status = LineStatus.DEPRESCRIBED;
            last.endedOn = TODAY.minusDays(1);
            last.endReason = "NO_LONGER_INDICATED";
            return this;
        }

        /** Recorded two years ago; resolved a month ago or still active. */
        Patient condition(Condition condition, boolean resolved) {
            ConditionEntry entry = new ConditionEntry();
            entry.condition = condition;
            entry.recordedOn = TODAY.minusYears(2);
            entry.resolvedOn = resolved ? TODAY.minusMonths(1) : null;
            view.conditions.add(entry);
            return this;
        }

        Patient egfr(double value, int daysAgo) {
            observation(EGFR, daysAgo).value = value;
            return this;
        }

        Patient test(ObservationKind kind, int daysAgo) {
            observation(kind, daysAgo);
            return this;
        }

        private ObservationEntry observation(ObservationKind kind, int daysAgo) {
            ObservationEntry entry = new ObservationEntry();
            entry.kind = kind;
            entry.observedOn = TODAY.minusDays(daysAgo);
            view.observations.add(entry);
            return entry;
        }

        /** A refill-record check of the last line. */
        Patient checked(double adherence, int daysAgo) {
            AdherenceCheckView check = new AdherenceCheckView();
            check.lineId = last.id;
            check.checkedOn = TODAY.minusDays(daysAgo);
            check.method = AdherenceMethod.REFILL_RECORD;
            check.periodStart = check.checkedOn.minusDays(90);
            check.periodEnd = check.checkedOn;
            check.adherence = adherence;
            check.adherent = adherence >= 0.80;
            view.adherenceChecks.add(check);
            return this;
        }

        Patient careHome() {
            view.careHomeResident = true;
            return this;
        }

        Patient frailty(Frailty frailty) {
            view.frailty = frailty;
            return this;
        }

        @Override
        public String toString() {
            return "patient";
        }
    }
}
