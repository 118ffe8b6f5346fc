package uk.rxledger.decisionsupport.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.regimen.PatientView;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static uk.rxledger.decisionsupport.rules.PatientBuilder.*;
import static uk.rxledger.regimen.Condition.ASTHMA;
import static uk.rxledger.regimen.Condition.FALLS;
import static uk.rxledger.regimen.Condition.HEART_FAILURE;
import static uk.rxledger.regimen.Condition.PEPTIC_ULCER_OR_GI_BLEED;
import static uk.rxledger.regimen.Frailty.MODERATE;
import static uk.rxledger.regimen.Frailty.SEVERE;
import static uk.rxledger.regimen.ObservationKind.EGFR;
import static uk.rxledger.regimen.ObservationKind.ELECTROLYTES_TEST;
import static uk.rxledger.regimen.ObservationKind.FULL_BLOOD_COUNT;
import static uk.rxledger.regimen.ObservationKind.LITHIUM_LEVEL;
import static uk.rxledger.regimen.ObservationKind.LIVER_FUNCTION_TEST;
import static uk.rxledger.regimen.ObservationKind.RENAL_FUNCTION_TEST;
import static uk.rxledger.regimen.ObservationKind.THYROID_FUNCTION_TEST;

/**
 * Every rule of the shipped rule set, table-driven: patients for whom it must hold (with the lines each hit must
 * carry) and near misses for whom it must not. Evidence and ordering are checked separately below.
 */
class RuleEvaluatorTest {

    private static final Catalogue CATALOGUE = Catalogue.loadDefault();
    private static final RuleSet RULES = RuleSet.loadDefault();

    // ------------------------------------------------------------------ the table

    static Stream<Arguments> cases() {
        return Stream.of(
                // PINCER GI A: NSAID, 65+, no PPI or H2 antagonist
                holds("P3A NSAID at 65 without gastroprotection", "PINCER_GI_P3A",
                      patient().age(65).onMedicine("L1", NAPROXEN_500), ids("L1")),
                holdsNot("P3A NSAID at 64", "PINCER_GI_P3A", patient().age(64).onMedicine("L1", NAPROXEN_500)),
                holdsNot("P3A NSAID the day before the 65th birthday", "PINCER_GI_P3A",
                         patient().bornOn(TODAY.minusYears(65).plusDays(1)).onMedicine("L1", NAPROXEN_500)),
                holdsNot("P3A a PPI makes the NSAID safe", "PINCER_GI_P3A",
                         patient().age(70).onMedicine("L1", NAPROXEN_500).onMedicine("L2", OMEPRAZOLE_20)),
                holdsNot("P3A an H2 antagonist counts as gastroprotection", "PINCER_GI_P3A",
                         patient().age(70).onMedicine("L1", NAPROXEN_500).onMedicine("L2", FAMOTIDINE_20)),
                holds("P3A a deprescribed PPI does not protect", "PINCER_GI_P3A",
                      patient().age(70).onMedicine("L1", NAPROXEN_500)
                               .onMedicine("L2", OMEPRAZOLE_20).deprescribed(daysAgo(5)), ids("L1")),
                holds("P3A one hit per NSAID line", "PINCER_GI_P3A",
                      patient().age(80).onMedicine("L2", IBUPROFEN_400).onMedicine("L1", NAPROXEN_500),
                      ids("L1"), ids("L2")),
                holdsNot("P3A a deprescribed NSAID does not count", "PINCER_GI_P3A",
                         patient().age(80).onMedicine("L1", NAPROXEN_500).deprescribed(daysAgo(1))),
                holdsNot("P3A a switched NSAID does not count", "PINCER_GI_P3A",
                         patient().age(80).onMedicine("L1", NAPROXEN_500).switched(daysAgo(1))),

                // PINCER GI B: NSAID with peptic ulcer / GI bleed history, no PPI or H2 antagonist
                holds("P3B NSAID with peptic ulcer history at any age", "PINCER_GI_P3B",
                      patient().age(40).onMedicine("L1", IBUPROFEN_400).withCondition(PEPTIC_ULCER_OR_GI_BLEED),
                      ids("L1")),
                holds("P3B a resolved ulcer is still history (PINCER)", "PINCER_GI_P3B",
                      patient().age(40).onMedicine("L1", IBUPROFEN_400)
                               .withCondition(PEPTIC_ULCER_OR_GI_BLEED, daysAgo(900), daysAgo(600)), ids("L1")),
                holdsNot("P3B an H2 antagonist counts as gastroprotection", "PINCER_GI_P3B",
                         patient().age(40).onMedicine("L1", IBUPROFEN_400).onMedicine("L2", FAMOTIDINE_20)
                                  .withCondition(PEPTIC_ULCER_OR_GI_BLEED)),
                holdsNot("P3B an ulcer recorded after today does not count", "PINCER_GI_P3B",
                         patient().age(40).onMedicine("L1", IBUPROFEN_400)
                                  .withCondition(PEPTIC_ULCER_OR_GI_BLEED, TODAY.plusDays(1), null)),
                holdsNot("P3B NSAID without ulcer history", "PINCER_GI_P3B",
                         patient().age(40).onMedicine("L1", IBUPROFEN_400).withCondition(ASTHMA)),

                // PINCER GI C: antiplatelet with that history, no gastroprotection
                holds("P3C clopidogrel with GI bleed history", "PINCER_GI_P3C",
                      patient().onMedicine("L1", CLOPIDOGREL_75).withCondition(PEPTIC_ULCER_OR_GI_BLEED), ids("L1")),
                holds("P3C aspirin is an antiplatelet", "PINCER_GI_P3C",
                      patient().onMedicine("L1", ASPIRIN_75).withCondition(PEPTIC_ULCER_OR_GI_BLEED), ids("L1")),
                holdsNot("P3C a PPI protects", "PINCER_GI_P3C",
                         patient().onMedicine("L1", CLOPIDOGREL_75).onMedicine("L2", OMEPRAZOLE_20)
                                  .withCondition(PEPTIC_ULCER_OR_GI_BLEED)),

                // PINCER GI D: NSAID with an oral anticoagulant (no gastroprotection exemption)
                holds("P3D NSAID with a DOAC: one hit with both lines", "PINCER_GI_P3D",
                      patient().onMedicine("L1", IBUPROFEN_400).onMedicine("L2", APIXABAN_5), ids("L1", "L2")),
                holds("P3D a PPI does not make it safe", "PINCER_GI_P3D",
                      patient().onMedicine("L1", NAPROXEN_500).onMedicine("L2", WARFARIN_3)
                               .onMedicine("L3", OMEPRAZOLE_20), ids("L1", "L2")),
                holdsNot("P3D anticoagulant alone", "PINCER_GI_P3D", patient().onMedicine("L1", WARFARIN_3)),
                holdsNot("P3D the NSAID was stopped", "PINCER_GI_P3D",
                         patient().onMedicine("L1", NAPROXEN_500).deprescribed(daysAgo(2))
                                  .onMedicine("L2", WARFARIN_3)),

                // PINCER GI E: anticoagulant with an antiplatelet, no PPI (H2 antagonists do not count)
                holds("P3E warfarin with aspirin", "PINCER_GI_P3E",
                      patient().onMedicine("L1", WARFARIN_3).onMedicine("L2", ASPIRIN_75), ids("L1", "L2")),
                holds("P3E an H2 antagonist does not count", "PINCER_GI_P3E",
                      patient().onMedicine("L1", APIXABAN_5).onMedicine("L2", CLOPIDOGREL_75)
                               .onMedicine("L3", FAMOTIDINE_20), ids("L1", "L2")),
                holdsNot("P3E a PPI protects", "PINCER_GI_P3E",
                         patient().onMedicine("L1", WARFARIN_3).onMedicine("L2", CLOPIDOGREL_75)
                                  .onMedicine("L3", LANSOPRAZOLE_30)),

                // PINCER GI F: aspirin with another antiplatelet, no PPI
                holds("P3F aspirin with clopidogrel", "PINCER_GI_P3F",
                      patient().onMedicine("L1", ASPIRIN_75).onMedicine("L2", CLOPIDOGREL_75), ids("L1", "L2")),
                holds("P3F an H2 antagonist does not count", "PINCER_GI_P3F",
                      patient().onMedicine("L1", ASPIRIN_75).onMedicine("L2", CLOPIDOGREL_75)
                               .onMedicine("L3", FAMOTIDINE_20), ids("L1", "L2")),
                holdsNot("P3F a PPI protects", "PINCER_GI_P3F",
                         patient().onMedicine("L1", ASPIRIN_75).onMedicine("L2", CLOPIDOGREL_75)
                                  .onMedicine("L3", OMEPRAZOLE_20)),
                holdsNot("P3F two aspirin products are not another antiplatelet", "PINCER_GI_P3F",
                         patient().onMedicine("L1", ASPIRIN_75).onMedicine("L2", ASPIRIN_75_GR)),
                holdsNot("P3F clopidogrel without aspirin", "PINCER_GI_P3F",
                         patient().onMedicine("L1", CLOPIDOGREL_75)),

                // PINCER AS G: non-selective beta-blocker with asthma
                holds("P3G propranolol with asthma", "PINCER_AS_P3G",
                      patient().onMedicine("L1", PROPRANOLOL_40).withCondition(ASTHMA), ids("L1")),
                holdsNot("P3G a resolved asthma code does not count", "PINCER_AS_P3G",
                         patient().onMedicine("L1", PROPRANOLOL_40).withCondition(ASTHMA, daysAgo(800), daysAgo(30))),
                holdsNot("P3G asthma resolved today no longer counts", "PINCER_AS_P3G",
                         patient().onMedicine("L1", PROPRANOLOL_40).withCondition(ASTHMA, daysAgo(800), TODAY)),
                holds("P3G asthma resolved only after today still counts", "PINCER_AS_P3G",
                      patient().onMedicine("L1", PROPRANOLOL_40)
                               .withCondition(ASTHMA, daysAgo(800), TODAY.plusDays(1)), ids("L1")),
                holds("P3G asthma recorded again after a resolved episode", "PINCER_AS_P3G",
                      patient().onMedicine("L1", PROPRANOLOL_40).withCondition(ASTHMA, daysAgo(800), daysAgo(600))
                               .withCondition(ASTHMA, daysAgo(100), null), ids("L1")),
                holdsNot("P3G a cardioselective beta-blocker", "PINCER_AS_P3G",
                         patient().onMedicine("L1", BISOPROLOL_5).withCondition(ASTHMA)),

                // PINCER HF I: NSAID with heart failure
                holds("P3I NSAID with heart failure", "PINCER_HF_P3I",
                      patient().onMedicine("L1", NAPROXEN_500).withCondition(HEART_FAILURE), ids("L1")),
                holdsNot("P3I paracetamol with heart failure", "PINCER_HF_P3I",
                         patient().onMedicine("L1", PARACETAMOL_500).withCondition(HEART_FAILURE)),

                // PINCER KI K: NSAID with latest eGFR < 45
                holds("P3K eGFR 44", "PINCER_KI_P3K",
                      patient().onMedicine("L1", NAPROXEN_500).observed(EGFR, 44, daysAgo(10)), ids("L1")),
                holdsNot("P3K eGFR 45", "PINCER_KI_P3K",
                         patient().onMedicine("L1", NAPROXEN_500).observed(EGFR, 45, daysAgo(10))),
                holdsNot("P3K a newer normal eGFR replaces a low one", "PINCER_KI_P3K",
                         patient().onMedicine("L1", NAPROXEN_500).observed(EGFR, 40, daysAgo(200))
                                  .observed(EGFR, 60, daysAgo(10))),
                holds("P3K a newer low eGFR replaces a normal one", "PINCER_KI_P3K",
                      patient().onMedicine("L1", NAPROXEN_500).observed(EGFR, 60, daysAgo(200))
                               .observed(EGFR, 40, daysAgo(10)), ids("L1")),
                holds("P3K same-day results: the one recorded last", "PINCER_KI_P3K",
                      patient().onMedicine("L1", NAPROXEN_500).observed(EGFR, 60, daysAgo(10))
                               .observed(EGFR, 40, daysAgo(10)), ids("L1")),
                holdsNot("P3K a result dated after today is ignored", "PINCER_KI_P3K",
                         patient().onMedicine("L1", NAPROXEN_500).observed(EGFR, 60, daysAgo(10))
                                  .observed(EGFR, 40, TODAY.plusDays(1))),
                holdsNot("P3K no eGFR", "PINCER_KI_P3K", patient().onMedicine("L1", NAPROXEN_500)),

                // PINCER MO P13: 75+, ACE inhibitor/ARB or loop diuretic > 15 months, renal or electrolytes missing
                holds("P13 age 75, ramipril 500 days, no tests", "PINCER_MO_P13",
                      patient().age(75).onMedicine("L1", RAMIPRIL_5).startedDaysAgo(500), ids("L1")),
                holdsNot("P13 age 74", "PINCER_MO_P13",
                         patient().age(74).onMedicine("L1", RAMIPRIL_5).startedDaysAgo(500)),
                holds("P13 renal test present but electrolytes missing", "PINCER_MO_P13",
                      patient().age(80).onMedicine("L1", RAMIPRIL_5).startedDaysAgo(500)
                               .observed(RENAL_FUNCTION_TEST, daysAgo(100)), ids("L1")),
                holdsNot("P13 both tests within 15 months", "PINCER_MO_P13",
                         patient().age(80).onMedicine("L1", RAMIPRIL_5).startedDaysAgo(500)
                                  .observed(RENAL_FUNCTION_TEST, daysAgo(100))
                                  .observed(ELECTROLYTES_TEST, daysAgo(456))),
                holds("P13 electrolytes 457 days ago is too old", "PINCER_MO_P13",
                      patient().age(80).onMedicine("L1", RAMIPRIL_5).startedDaysAgo(500)
                               .observed(RENAL_FUNCTION_TEST, daysAgo(100))
                               .observed(ELECTROLYTES_TEST, daysAgo(457)), ids("L1")),
                holdsNot("P13 on the drug for exactly 15 months (456 days)", "PINCER_MO_P13",
                         patient().age(80).onMedicine("L1", RAMIPRIL_5).startedDaysAgo(456)),
                holds("P13 on the drug for 457 days", "PINCER_MO_P13",
                      patient().age(80).onMedicine("L1", RAMIPRIL_5).startedDaysAgo(457), ids("L1")),
                holds("P13 ARB and loop diuretic: one hit with both", "PINCER_MO_P13",
                      patient().age(80).onMedicine("L1", LOSARTAN_50).startedDaysAgo(900)
                               .onMedicine("L2", FUROSEMIDE_40).startedDaysAgo(600)
                               .onMedicine("L3", FUROSEMIDE_40).startedDaysAgo(100), ids("L1", "L2")),
                holdsNot("P13 the ACE inhibitor was stopped", "PINCER_MO_P13",
                         patient().age(80).onMedicine("L1", RAMIPRIL_5).startedDaysAgo(500).deprescribed(daysAgo(3))),

                // PINCER MO P15: methotrexate > 3 months, FBC or LFT missing in 3 months
                holds("P15 LFT missing", "PINCER_MO_P15",
                      patient().onMedicine("L1", METHOTREXATE_2_5).startedDaysAgo(92)
                               .observed(FULL_BLOOD_COUNT, daysAgo(20)), ids("L1")),
                holdsNot("P15 both tests in 3 months", "PINCER_MO_P15",
                         patient().onMedicine("L1", METHOTREXATE_2_5).startedDaysAgo(400)
                                  .observed(FULL_BLOOD_COUNT, daysAgo(20)).observed(LIVER_FUNCTION_TEST, daysAgo(91))),
                holdsNot("P15 on methotrexate for 91 days", "PINCER_MO_P15",
                         patient().onMedicine("L1", METHOTREXATE_2_5).startedDaysAgo(91)),

                // PINCER MO P17: lithium > 3 months without a level in 3 months
                holds("P17 lithium for 92 days, no level", "PINCER_MO_P17",
                      patient().onMedicine("L1", LITHIUM_400).startedDaysAgo(92), ids("L1")),
                holdsNot("P17 lithium for 91 days", "PINCER_MO_P17",
                         patient().onMedicine("L1", LITHIUM_400).startedDaysAgo(91)),
                holds("P17 level 100 days ago", "PINCER_MO_P17",
                      patient().onMedicine("L1", LITHIUM_400).startedDaysAgo(400)
                               .observed(LITHIUM_LEVEL, 0.6, daysAgo(100)), ids("L1")),
                holdsNot("P17 level 80 days ago", "PINCER_MO_P17",
                         patient().onMedicine("L1", LITHIUM_400).startedDaysAgo(400)
                                  .observed(LITHIUM_LEVEL, 0.6, daysAgo(80))),
                holdsNot("P17 level exactly 91 days ago is in the window", "PINCER_MO_P17",
                         patient().onMedicine("L1", LITHIUM_400).startedDaysAgo(400)
                                  .observed(LITHIUM_LEVEL, 0.6, daysAgo(91))),

                // PINCER MO P18: amiodarone > 6 months without TFT in 6 months
                holds("P18 amiodarone 183 days, TFT 200 days ago", "PINCER_MO_P18",
                      patient().onMedicine("L1", AMIODARONE_200).startedDaysAgo(183)
                               .observed(THYROID_FUNCTION_TEST, daysAgo(200)), ids("L1")),
                holdsNot("P18 TFT 100 days ago", "PINCER_MO_P18",
                         patient().onMedicine("L1", AMIODARONE_200).startedDaysAgo(400)
                                  .observed(THYROID_FUNCTION_TEST, daysAgo(100))),
                holdsNot("P18 amiodarone for 182 days", "PINCER_MO_P18",
                         patient().onMedicine("L1", AMIODARONE_200).startedDaysAgo(182)),

                // STOPP A3: duplicate drug class, 65+
                holds("A3 two NSAIDs at 65", "STOPP_A3",
                      patient().age(65).onMedicine("L1", NAPROXEN_500).onMedicine("L2", IBUPROFEN_400),
                      ids("L1", "L2")),
                holdsNot("A3 two NSAIDs at 64", "STOPP_A3",
                         patient().age(64).onMedicine("L1", NAPROXEN_500).onMedicine("L2", IBUPROFEN_400)),
                holds("A3 one hit per duplicated class", "STOPP_A3",
                      patient().age(70).onMedicine("L1", NAPROXEN_500).onMedicine("L2", IBUPROFEN_400)
                               .onMedicine("L3", WARFARIN_3).onMedicine("L4", APIXABAN_5)
                               .onMedicine("L5", OMEPRAZOLE_20), ids("L1", "L2"), ids("L3", "L4")),
                holds("A3 hits are ordered by lines, not by class name", "STOPP_A3",
                      patient().age(70).onMedicine("L1", WARFARIN_3).onMedicine("L2", APIXABAN_5)
                               .onMedicine("L3", NAPROXEN_500).onMedicine("L4", IBUPROFEN_400),
                      ids("L1", "L2"), ids("L3", "L4")),
                holds("A3 two strengths of one substance are two lines of the class", "STOPP_A3",
                      patient().age(70).onMedicine("L1", WARFARIN_3).onMedicine("L2", WARFARIN_1), ids("L1", "L2")),
                holdsNot("A3 different classes", "STOPP_A3",
                         patient().age(70).onMedicine("L1", NAPROXEN_500).onMedicine("L2", OMEPRAZOLE_20)),
                holdsNot("A3 the duplicate was deprescribed", "STOPP_A3",
                         patient().age(70).onMedicine("L1", NAPROXEN_500)
                                  .onMedicine("L2", IBUPROFEN_400).deprescribed(daysAgo(1))),

                // STOPP B3: beta-blocker with verapamil or diltiazem, 65+
                holds("B3 bisoprolol with verapamil at 65", "STOPP_B3",
                      patient().age(65).onMedicine("L1", BISOPROLOL_5).onMedicine("L2", VERAPAMIL_80),
                      ids("L1", "L2")),
                holds("B3 propranolol with diltiazem", "STOPP_B3",
                      patient().age(70).onMedicine("L1", PROPRANOLOL_40).onMedicine("L2", DILTIAZEM_60),
                      ids("L1", "L2")),
                holdsNot("B3 at 64", "STOPP_B3",
                         patient().age(64).onMedicine("L1", BISOPROLOL_5).onMedicine("L2", VERAPAMIL_80)),
                holdsNot("B3 a dihydropyridine is not rate-limiting", "STOPP_B3",
                         patient().age(70).onMedicine("L1", BISOPROLOL_5).onMedicine("L2", AMLODIPINE_5)),

                // STOPP D5: benzodiazepine for 4 weeks or more, 65+
                holds("D5 diazepam for 28 days", "STOPP_D5",
                      patient().age(65).onMedicine("L1", DIAZEPAM_5).startedDaysAgo(28), ids("L1")),
                holdsNot("D5 diazepam for 27 days", "STOPP_D5",
                         patient().age(65).onMedicine("L1", DIAZEPAM_5).startedDaysAgo(27)),
                holdsNot("D5 at 64", "STOPP_D5", patient().age(64).onMedicine("L1", DIAZEPAM_5).startedDaysAgo(60)),
                holdsNot("D5 a Z-drug is not a benzodiazepine", "STOPP_D5",
                         patient().age(70).onMedicine("L1", ZOPICLONE_7_5).startedDaysAgo(60)),

                // STOPP E4: NSAID with eGFR < 50, 65+
                holds("E4 eGFR 49", "STOPP_E4",
                      patient().age(65).onMedicine("L1", NAPROXEN_500).observed(EGFR, 49, daysAgo(5)), ids("L1")),
                holdsNot("E4 eGFR 50", "STOPP_E4",
                         patient().age(65).onMedicine("L1", NAPROXEN_500).observed(EGFR, 50, daysAgo(5))),
                holdsNot("E4 at 64", "STOPP_E4",
                         patient().age(64).onMedicine("L1", NAPROXEN_500).observed(EGFR, 40, daysAgo(5))),

                // STOPP E6: metformin with eGFR < 30, 65+
                holds("E6 eGFR 29", "STOPP_E6",
                      patient().age(65).onMedicine("L1", METFORMIN_500).observed(EGFR, 29, daysAgo(5)), ids("L1")),
                holdsNot("E6 eGFR 30", "STOPP_E6",
                         patient().age(65).onMedicine("L1", METFORMIN_500).observed(EGFR, 30, daysAgo(5))),
                holdsNot("E6 at 64", "STOPP_E6",
                         patient().age(64).onMedicine("L1", METFORMIN_500).observed(EGFR, 20, daysAgo(5))),

                // STOPP F2: PPI at full dose for more than 8 weeks, 65+
                holds("F2 omeprazole 40 mg for 57 days", "STOPP_F2",
                      patient().age(65).onMedicine("L1", OMEPRAZOLE_40).startedDaysAgo(57), ids("L1")),
                holdsNot("F2 omeprazole 40 mg for 56 days", "STOPP_F2",
                         patient().age(65).onMedicine("L1", OMEPRAZOLE_40).startedDaysAgo(56)),
                holdsNot("F2 omeprazole 20 mg is not full dose", "STOPP_F2",
                         patient().age(70).onMedicine("L1", OMEPRAZOLE_20).startedDaysAgo(400)),
                holds("F2 omeprazole 20 mg twice daily is 40 mg", "STOPP_F2",
                      patient().age(70).onMedicine("L1", OMEPRAZOLE_20).dose(1, 2).startedDaysAgo(57), ids("L1")),
                holds("F2 lansoprazole 30 mg", "STOPP_F2",
                      patient().age(70).onMedicine("L1", LANSOPRAZOLE_30).startedDaysAgo(57), ids("L1")),
                holdsNot("F2 esomeprazole 20 mg is not full dose", "STOPP_F2",
                         patient().age(70).onMedicine("L1", ESOMEPRAZOLE_20).startedDaysAgo(400)),
                holdsNot("F2 stepped down from 40 to 20 mg", "STOPP_F2",
                         patient().age(70).onMedicine("L1", OMEPRAZOLE_20).dose(1, 2).startedDaysAgo(300)
                                  .doseChanged(daysAgo(100), 1, 1)),
                holdsNot("F2 stepped up to 40 mg only 30 days ago", "STOPP_F2",
                         patient().age(70).onMedicine("L1", OMEPRAZOLE_20).startedDaysAgo(300)
                                  .doseChanged(daysAgo(30), 1, 2)),
                holds("F2 stepped up to 40 mg 57 days ago", "STOPP_F2",
                      patient().age(70).onMedicine("L1", OMEPRAZOLE_20).startedDaysAgo(300)
                               .doseChanged(daysAgo(57), 1, 2), ids("L1")),
                holds("F2 full dose throughout, changed between full doses", "STOPP_F2",
                      patient().age(70).onMedicine("L1", OMEPRAZOLE_20).dose(1, 2).startedDaysAgo(70)
                               .doseChanged(daysAgo(20), 2, 2), ids("L1")),
                holdsNot("F2 a dose change dated after today is not in force yet", "STOPP_F2",
                         patient().age(70).onMedicine("L1", OMEPRAZOLE_20).startedDaysAgo(300)
                                  .doseChanged(TODAY.plusDays(1), 1, 2)),
                holdsNot("F2 at 64", "STOPP_F2", patient().age(64).onMedicine("L1", OMEPRAZOLE_40).startedDaysAgo(200)),

                // STOPP K1: benzodiazepine or Z-drug with falls, 65+
                holds("K1 diazepam with falls", "STOPP_K1",
                      patient().age(65).onMedicine("L1", DIAZEPAM_5).withCondition(FALLS), ids("L1")),
                holds("K1 zopiclone with falls", "STOPP_K1",
                      patient().age(80).onMedicine("L1", ZOPICLONE_7_5).withCondition(FALLS), ids("L1")),
                holdsNot("K1 without falls", "STOPP_K1", patient().age(80).onMedicine("L1", DIAZEPAM_5)),
                holdsNot("K1 at 64", "STOPP_K1",
                         patient().age(64).onMedicine("L1", DIAZEPAM_5).withCondition(FALLS)),

                // STOPP L2: opioid without a laxative, 65+
                holds("L2 codeine without a laxative", "STOPP_L2",
                      patient().age(65).onMedicine("L1", CODEINE_30), ids("L1")),
                holdsNot("L2 codeine with senna", "STOPP_L2",
                         patient().age(65).onMedicine("L1", CODEINE_30).onMedicine("L2", SENNA_7_5)),
                holds("L2 a deprescribed laxative does not count", "STOPP_L2",
                      patient().age(65).onMedicine("L1", CODEINE_30)
                               .onMedicine("L2", SENNA_7_5).deprescribed(daysAgo(3)), ids("L1")),
                holdsNot("L2 at 64", "STOPP_L2", patient().age(64).onMedicine("L1", CODEINE_30)),

                // STOPP M1: two or more ACB-3 medicines, 65+
                holds("M1 amitriptyline with oxybutynin", "STOPP_M1",
                      patient().age(65).onMedicine("L1", AMITRIPTYLINE_10).onMedicine("L2", OXYBUTYNIN_5),
                      ids("L1", "L2")),
                holdsNot("M1 only one ACB-3 medicine", "STOPP_M1",
                         patient().age(70).onMedicine("L1", AMITRIPTYLINE_10).onMedicine("L2", ATENOLOL_50)),
                holdsNot("M1 at 64", "STOPP_M1",
                         patient().age(64).onMedicine("L1", AMITRIPTYLINE_10).onMedicine("L2", OXYBUTYNIN_5)),

                // ACB total >= 3, all ages
                holdsNot("ACB total 2", "ACB_TOTAL_3",
                         patient().onMedicine("L1", TRAMADOL_50).onMedicine("L2", PARACETAMOL_500)),
                holds("ACB total 3 lists the scoring lines only", "ACB_TOTAL_3",
                      patient().age(30).onMedicine("L1", TRAMADOL_50).onMedicine("L2", ATENOLOL_50)
                               .onMedicine("L3", PARACETAMOL_500), ids("L1", "L2")),
                holdsNot("ACB total 3 with one line deprescribed is 2", "ACB_TOTAL_3",
                         patient().onMedicine("L1", TRAMADOL_50)
                                  .onMedicine("L2", ATENOLOL_50).deprescribed(daysAgo(1))),

                // SMR cohorts
                holdsNot("SMR polypharmacy nine active lines", "SMR_POLYPHARMACY", onLines(9, 0)),
                holds("SMR polypharmacy ten active lines", "SMR_POLYPHARMACY", onLines(10, 0), lineIds(10)),
                holdsNot("SMR polypharmacy ten lines, one deprescribed", "SMR_POLYPHARMACY", onLines(9, 1)),
                holds("SMR addictive gabapentinoid", "SMR_ADDICTIVE",
                      patient().onMedicine("L1", GABAPENTIN_300), ids("L1")),
                holds("SMR addictive one hit per line", "SMR_ADDICTIVE",
                      patient().onMedicine("L1", CODEINE_30).onMedicine("L2", ZOPICLONE_7_5)
                               .onMedicine("L3", DIAZEPAM_5).onMedicine("L4", PARACETAMOL_500),
                      ids("L1"), ids("L2"), ids("L3")),
                holdsNot("SMR addictive paracetamol", "SMR_ADDICTIVE",
                         patient().onMedicine("L1", PARACETAMOL_500)),
                holds("SMR care home resident", "SMR_CARE_HOME", patient().careHomeResident(), ids()),
                holdsNot("SMR not a care home resident", "SMR_CARE_HOME", patient()),
                holds("SMR severe frailty", "SMR_SEVERE_FRAILTY", patient().frailty(SEVERE), ids()),
                holdsNot("SMR moderate frailty", "SMR_SEVERE_FRAILTY", patient().frailty(MODERATE)),

                // PDC: latest adherence check of an active line below 0.80
                holds("PDC latest check 0.79", "PDC_LOW",
                      patient().onMedicine("L1", ATORVASTATIN_20).adherence("L1", 0.79, daysAgo(3)), ids("L1")),
                holdsNot("PDC latest check 0.80", "PDC_LOW",
                         patient().onMedicine("L1", ATORVASTATIN_20).adherence("L1", 0.80, daysAgo(3))),
                holdsNot("PDC a newer good check replaces a bad one", "PDC_LOW",
                         patient().onMedicine("L1", ATORVASTATIN_20).adherence("L1", 0.90, daysAgo(3))
                                  .adherence("L1", 0.50, daysAgo(60))),
                holds("PDC a newer bad check replaces a good one", "PDC_LOW",
                      patient().onMedicine("L1", ATORVASTATIN_20).adherence("L1", 0.90, daysAgo(60))
                               .adherence("L1", 0.50, daysAgo(3)), ids("L1")),
                holds("PDC one hit per line", "PDC_LOW",
                      patient().onMedicine("L1", ATORVASTATIN_20).adherence("L1", 0.5, daysAgo(3))
                               .onMedicine("L2", RAMIPRIL_5).adherence("L2", 0.6, daysAgo(3)), ids("L1"), ids("L2")),
                holdsNot("PDC a stopped line does not count", "PDC_LOW",
                         patient().onMedicine("L1", ATORVASTATIN_20).adherence("L1", 0.5, daysAgo(30))
                                  .deprescribed(daysAgo(3))),

                // Formulary switch
                holds("FORMULARY esomeprazole has omeprazole", "FORMULARY_SWITCH",
                      patient().onMedicine("L1", ESOMEPRAZOLE_20).onMedicine("L2", OMEPRAZOLE_20), ids("L1")),
                holdsNot("FORMULARY omeprazole has no alternative", "FORMULARY_SWITCH",
                         patient().onMedicine("L1", OMEPRAZOLE_20)),
                holdsNot("FORMULARY a deprescribed line does not count", "FORMULARY_SWITCH",
                         patient().onMedicine("L1", ESOMEPRAZOLE_20).deprescribed(daysAgo(1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ruleHoldsForExactlyTheExpectedLines(String name, String ruleCode, PatientBuilder patient,
                                             List<List<String>> expectedLineIdsPerHit) {
        assertThat(RULES.find(ruleCode)).as("rule in the default set").isPresent();
        List<List<String>> actual = hits(patient.build(), ruleCode).stream().map(RuleHit::lineIds).toList();
        assertThat(actual).isEqualTo(expectedLineIdsPerHit);
    }

    @Test
    void everyRuleHasAtLeastOneCaseWhereItHoldsAndOneWhereItDoesNot() {
        List<Arguments> all = cases().toList();
        for (Rule rule : RULES.rules()) {
            assertThat(all).as(rule.code() + " holds somewhere")
                           .anyMatch(a -> a.get()[1].equals(rule.code()) && !((List<?>) a.get()[3]).isEmpty());
            assertThat(all).as(rule.code() + " has a near miss")
                           .anyMatch(a -> a.get()[1].equals(rule.code()) && ((List<?>) a.get()[3]).isEmpty());
        }
    }

    // ------------------------------------------------------------------ evidence

    @Test
    void anEgfrRuleCarriesTheLatestResultAndNamesTheMedicine() {
        PatientView p = patient().age(70).onMedicine("L1", NAPROXEN_500)
                                 .observed(EGFR, 60, daysAgo(300)).observed(EGFR, 38, daysAgo(10)).build();
        RuleHit hit = single(p, "PINCER_KI_P3K");
        assertThat(hit.observations()).containsExactly("EGFR 38 mL/min/1.73m2 on 2026-11-13");
        assertThat(hit.conditions()).isEmpty();
        assertThat(hit.message()).isEqualTo("Oral NSAID (Naproxen 500 mg tablets) prescribed with a latest eGFR"
                + " below 45 (EGFR 38 mL/min/1.73m2 on 2026-11-13).");
        assertThat(single(p, "STOPP_E4").observations()).containsExactly("EGFR 38 mL/min/1.73m2 on 2026-11-13");
    }

    @Test
    void aConditionRuleCarriesTheCondition() {
        PatientView p = patient().age(70).onMedicine("L1", IBUPROFEN_400).withCondition(PEPTIC_ULCER_OR_GI_BLEED)
                                 .withCondition(ASTHMA).build();
        RuleHit hit = single(p, "PINCER_GI_P3B");
        assertThat(hit.conditions()).containsExactly("PEPTIC_ULCER_OR_GI_BLEED");
        assertThat(hit.observations()).isEmpty();
        assertThat(hit.message()).contains("Ibuprofen 400 mg tablets");
        assertThat(single(patient().age(70).onMedicine("L1", DIAZEPAM_5).withCondition(FALLS).build(), "STOPP_K1")
                           .conditions()).containsExactly("FALLS");
    }

    @Test
    void monitoringRulesNameTheTestsUsedAndMissing() {
        PatientView p = patient().age(80).onMedicine("L1", RAMIPRIL_5).startedDaysAgo(500)
                                 .observed(RENAL_FUNCTION_TEST, daysAgo(300)).observed(RENAL_FUNCTION_TEST, daysAgo(100))
                                 .build();
        assertThat(single(p, "PINCER_MO_P13").observations()).containsExactly(
                "RENAL_FUNCTION_TEST on 2026-08-15", "no ELECTROLYTES_TEST in the 456 days before 2026-11-23");

        PatientView lithium = patient().onMedicine("L1", LITHIUM_400).startedDaysAgo(200)
                                       .observed(LITHIUM_LEVEL, 0.7, daysAgo(100)).build();
        RuleHit p17 = single(lithium, "PINCER_MO_P17");
        assertThat(p17.observations()).containsExactly("no LITHIUM_LEVEL in the 91 days before 2026-11-23");
        assertThat(p17.message()).isEqualTo("Lithium (Lithium carbonate 400 mg modified-release tablets) taken for"
                + " more than 3 months without a lithium level in the last 3 months:"
                + " no LITHIUM_LEVEL in the 91 days before 2026-11-23.");

        PatientView methotrexate = patient().onMedicine("L1", METHOTREXATE_2_5).startedDaysAgo(200).build();
        assertThat(single(methotrexate, "PINCER_MO_P15").observations()).containsExactly(
                "no FULL_BLOOD_COUNT in the 91 days before 2026-11-23",
                "no LIVER_FUNCTION_TEST in the 91 days before 2026-11-23");
    }

    @Test
    void messagesFillKindSpecificPlaceholders() {
        assertThat(single(patient().age(70).onMedicine("L1", OMEPRAZOLE_20).dose(1, 2).startedDaysAgo(57).build(),
                          "STOPP_F2").message())
                .isEqualTo("PPI (Omeprazole 20 mg gastro-resistant capsules) at full therapeutic dose (40 mg a day)"
                        + " for 57 days.");
        assertThat(single(patient().age(70).onMedicine("L1", DIAZEPAM_5).startedDaysAgo(40).build(), "STOPP_D5")
                           .message()).startsWith("Benzodiazepine (Diazepam 5 mg tablets) taken for 40 days.");
        assertThat(single(patient().age(70).onMedicine("L2", IBUPROFEN_400).onMedicine("L1", NAPROXEN_500).build(),
                          "STOPP_A3").message())
                .isEqualTo("2 active medicines of the same class (NSAID): Naproxen 500 mg tablets, Ibuprofen 400 mg tablets.");
        assertThat(single(patient().onMedicine("L1", TRAMADOL_50).onMedicine("L2", ATENOLOL_50).build(),
                          "ACB_TOTAL_3").message()).startsWith("Total anticholinergic burden score 3 (ACBcalc)");
        assertThat(single(patient().onMedicine("L1", ESOMEPRAZOLE_20).build(), "FORMULARY_SWITCH").message())
                .isEqualTo("Esomeprazole 20 mg gastro-resistant tablets has a cheaper formulary-preferred equivalent:"
                        + " Omeprazole 20 mg gastro-resistant capsules.");
        assertThat(single(onLines(12, 0).build(), "SMR_POLYPHARMACY").message()).startsWith("12 active medicines");
        assertThat(single(patient().age(70).onMedicine("L1", NAPROXEN_500).build(), "PINCER_GI_P3A").message())
                .startsWith("Patient aged 70 is prescribed an oral NSAID (Naproxen 500 mg tablets)");
    }

    @Test
    void lowAdherenceCarriesTheCheck() {
        RuleHit hit = single(patient().onMedicine("L1", ATORVASTATIN_20).adherence("L1", 0.795, daysAgo(3)).build(),
                             "PDC_LOW");
        assertThat(hit.observations()).containsExactly(
                "adherence 79.5% by REFILL_RECORD on 2026-11-20 (period 2026-08-22 to 2026-11-20)");
        assertThat(hit.message()).isEqualTo("Latest adherence check for Atorvastatin 20 mg tablets found 79.5%,"
                + " below the 80% threshold.");
    }

    // ------------------------------------------------------------------ the whole evaluation

    @Test
    void hitsComeInRuleFileOrderThenByLines() {
        PatientView p = patient().age(70).onMedicine("L2", WARFARIN_3).onMedicine("L1", NAPROXEN_500)
                                 .withCondition(HEART_FAILURE).observed(EGFR, 40, daysAgo(10)).build();
        List<RuleHit> hits = RuleEvaluator.evaluate(p, CATALOGUE, RULES, TODAY);
        assertThat(hits).extracting(RuleHit::ruleCode).containsExactly(
                "PINCER_GI_P3A", "PINCER_GI_P3D", "PINCER_HF_P3I", "PINCER_KI_P3K", "STOPP_E4");
        assertThat(hits).extracting(RuleHit::lineIds)
                        .containsExactly(List.of("L1"), List.of("L1", "L2"), List.of("L1"), List.of("L1"), List.of("L1"));
    }

    @Test
    void evaluationIsPureAndIndependentOfTheOrderLinesWereRecorded() {
        PatientBuilder forwards = patient().age(72).careHomeResident().onMedicine("L1", NAPROXEN_500)
                .onMedicine("L2", IBUPROFEN_400).onMedicine("L3", CODEINE_30).onMedicine("L4", AMITRIPTYLINE_10)
                .onMedicine("L5", OXYBUTYNIN_5);
        PatientBuilder backwards = patient().age(72).careHomeResident().onMedicine("L5", OXYBUTYNIN_5)
                .onMedicine("L4", AMITRIPTYLINE_10).onMedicine("L3", CODEINE_30).onMedicine("L2", IBUPROFEN_400)
                .onMedicine("L1", NAPROXEN_500);
        PatientView p = forwards.build();
        List<RuleHit> first = RuleEvaluator.evaluate(p, CATALOGUE, RULES, TODAY);
        assertThat(RuleEvaluator.evaluate(p, CATALOGUE, RULES, TODAY)).isEqualTo(first);
        assertThat(RuleEvaluator.evaluate(backwards.build(), CATALOGUE, RULES, TODAY)).isEqualTo(first);
        assertThat(p.lines).extracting(l -> l.id).containsExactly("L1", "L2", "L3", "L4", "L5");
        assertThat(first).isNotEmpty();
    }

    @Test
    void aLineWhoseProductIsNotInTheCatalogueCountsAsALineButMatchesNoClass() {
        PatientBuilder builder = onLines(9, 0).onMedicine("L99", "9999999999AAAAA");
        List<RuleHit> hits = RuleEvaluator.evaluate(builder.build(), CATALOGUE, RULES, TODAY);
        assertThat(hits).extracting(RuleHit::ruleCode).containsExactly("SMR_POLYPHARMACY");
        assertThat(hits.get(0).message()).startsWith("10 active medicines");
    }

    @Test
    void aPatientWithoutABirthDateMeetsNoAgeRule() {
        PatientView p = patient().onMedicine("L1", NAPROXEN_500).build();
        p.birthDate = null;
        assertThat(RuleEvaluator.evaluate(p, CATALOGUE, RULES, TODAY)).extracting(RuleHit::ruleCode).isEmpty();
    }

    @Test
    void changingAThresholdIsADataChangeOnly() throws IOException {
        PatientView egfr48 = patient().onMedicine("L1", NAPROXEN_500).observed(EGFR, 48, daysAgo(5)).build();
        assertThat(hits(egfr48, "PINCER_KI_P3K")).isEmpty();

        String json;
        try (InputStream in = RuleSet.class.getResourceAsStream(RuleSet.DEFAULT_RESOURCE)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String changed = json.replace("\"below\": 45", "\"below\": 50");
        assertThat(changed).isNotEqualTo(json);
        RuleSet stricter = RuleSetTest.parse(changed);
        assertThat(RuleEvaluator.evaluate(egfr48, CATALOGUE, stricter, TODAY))
                .extracting(RuleHit::ruleCode).contains("PINCER_KI_P3K");
    }

    // ------------------------------------------------------------------ helpers

    @SafeVarargs
    private static Arguments holds(String name, String rule, PatientBuilder patient, List<String> first,
                                   List<String>... more) {
        List<List<String>> expected = new ArrayList<>();
        expected.add(first);
        expected.addAll(Arrays.asList(more));
        return arguments(name, rule, patient, expected);
    }

    private static Arguments holdsNot(String name, String rule, PatientBuilder patient) {
        return arguments(name, rule, patient, List.of());
    }

    private static List<String> ids(String... lineIds) {
        return List.of(lineIds);
    }

    /** L01..L{n}: ids of {@link #onLines}. */
    private static List<String> lineIds(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("L%02d", i)).toList();
    }

    /** {@code active} active lines and {@code stopped} deprescribed ones, of medicines no other rule cares about. */
    private static PatientBuilder onLines(int active, int stopped) {
        List<String> products = List.of(ATORVASTATIN_20, LEVOTHYROXINE_50, ALLOPURINOL_100, FINASTERIDE_5,
                DOXAZOSIN_4, EZETIMIBE_10, ALENDRONIC_ACID_70, COLECALCIFEROL, SALBUTAMOL, PARACETAMOL_500,
                AMLODIPINE_5, OMEPRAZOLE_20);
        PatientBuilder builder = patient().age(50);
        for (int i = 1; i <= active + stopped; i++) {
            builder.onMedicine(String.format("L%02d", i), products.get(i - 1));
            if (i > active) {
                builder.deprescribed(daysAgo(1));
            }
        }
        return builder;
    }

    private static List<RuleHit> hits(PatientView patient, String ruleCode) {
        return RuleEvaluator.evaluate(patient, CATALOGUE, RULES, TODAY).stream()
                            .filter(h -> h.ruleCode().equals(ruleCode)).toList();
    }

    private static RuleHit single(PatientView patient, String ruleCode) {
        List<RuleHit> hits = hits(patient, ruleCode);
        assertThat(hits).as(ruleCode).hasSize(1);
        return hits.get(0);
    }
}
