package uk.rxledger.decisionsupport.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.regimen.PatientView;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static uk.rxledger.decisionsupport.rules.PatientBuilder.*;
import static uk.rxledger.regimen.Frailty.SEVERE;
import static uk.rxledger.regimen.ReviewKind.CLINICAL;
import static uk.rxledger.regimen.ReviewKind.PRESCRIPTION;
import static uk.rxledger.regimen.ReviewKind.STRUCTURED;

/** SMR eligibility: the SMR cohorts that hold, unless a structured review was completed in the last 365 days. */
class SmrEligibilityTest {

    private static final Catalogue CATALOGUE = Catalogue.loadDefault();
    private static final RuleSet RULES = RuleSet.loadDefault();

    static Stream<Arguments> cases() {
        List<String> careHome = List.of("SMR_CARE_HOME");
        return Stream.of(
                arguments("a cohort and no review", patient().careHomeResident(), true, careHome),
                arguments("no cohort", patient().onMedicine("L1", PARACETAMOL_500), false, List.of()),
                arguments("structured review 364 days ago: not eligible, reasons kept",
                          patient().careHomeResident().review(STRUCTURED, daysAgo(364)), false, careHome),
                arguments("structured review exactly 365 days ago still counts",
                          patient().careHomeResident().review(STRUCTURED, daysAgo(365)), false, careHome),
                arguments("structured review 366 days ago no longer counts",
                          patient().careHomeResident().review(STRUCTURED, daysAgo(366)), true, careHome),
                arguments("structured review today counts",
                          patient().careHomeResident().review(STRUCTURED, TODAY), false, careHome),
                arguments("a review dated after today does not count",
                          patient().careHomeResident().review(STRUCTURED, TODAY.plusDays(1)), true, careHome),
                arguments("a clinical review does not count",
                          patient().careHomeResident().review(CLINICAL, daysAgo(10)), true, careHome),
                arguments("a prescription review does not count",
                          patient().careHomeResident().review(PRESCRIPTION, daysAgo(10)), true, careHome),
                arguments("an old structured and a recent clinical review",
                          patient().careHomeResident().review(STRUCTURED, daysAgo(400)).review(CLINICAL, daysAgo(5)),
                          true, careHome),
                arguments("every cohort, listed once each in rule-file order",
                          patient().frailty(SEVERE).careHomeResident()
                                   .onMedicine("L01", CODEINE_30).onMedicine("L02", GABAPENTIN_300)
                                   .onMedicine("L03", SENNA_7_5).onMedicine("L04", ATORVASTATIN_20)
                                   .onMedicine("L05", LEVOTHYROXINE_50).onMedicine("L06", ALLOPURINOL_100)
                                   .onMedicine("L07", FINASTERIDE_5).onMedicine("L08", DOXAZOSIN_4)
                                   .onMedicine("L09", EZETIMIBE_10).onMedicine("L10", COLECALCIFEROL),
                          true, List.of("SMR_POLYPHARMACY", "SMR_ADDICTIVE", "SMR_CARE_HOME", "SMR_SEVERE_FRAILTY")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eligibility(String name, PatientBuilder builder, boolean eligible, List<String> reasons) {
        PatientView patient = builder.build();
        List<RuleHit> hits = RuleEvaluator.evaluate(patient, CATALOGUE, RULES, TODAY);
        SmrEligibility smr = SmrEligibility.of(hits, patient, TODAY);
        assertThat(smr.reasons()).isEqualTo(reasons);
        assertThat(smr.eligible()).isEqualTo(eligible);
    }
}
