package uk.rxledger.governance;

import org.junit.jupiter.api.Test;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.regimen.RegimenCommands;

import java.lang.reflect.RecordComponent;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The synthetic population is reproducible, realistic in shape, and within the regimen's validation. */
class PopulationPlanTest {

    static final Catalogue CATALOGUE = Catalogue.loadDefault();
    static final LocalDate TODAY = LocalDate.of(2026, 3, 15);

    @Test
    void theSameSeedGivesTheSamePopulationAndAnotherSeedAnotherOne() {
        PopulationPlan plan = new PopulationPlan(CATALOGUE, TODAY);
        PopulationPlan.Settings settings = new PopulationPlan.Settings(42, 300, 5);

        assertThat(plan.patients(settings)).isEqualTo(new PopulationPlan(CATALOGUE, TODAY).patients(settings));
        assertThat(plan.patients(new PopulationPlan.Settings(43, 300, 5))).isNotEqualTo(plan.patients(settings));
        // a patient's plan does not depend on the population's size
        assertThat(plan.patients(new PopulationPlan.Settings(42, 600, 5)).subList(0, 300))
                .isEqualTo(plan.patients(settings));
    }

    @Test
    void practicesHaveOdsStyleCodesAndAreGroupedInPcnsOfTwoToFour() {
        List<PopulationPlan.Practice> practices = new PopulationPlan(CATALOGUE, TODAY)
                .practices(new PopulationPlan.Settings(7, 10, 12));
        Map<String, Integer> perPcn = new HashMap<>();
        practices.forEach(p -> perPcn.merge(p.pcn(), 1, Integer::sum));

        assertThat(practices).hasSize(12).allSatisfy(p -> {
            assertThat(p.practice()).matches("[A-HJ-NP][0-9]{5}");
            assertThat(p.pcn()).matches("U[0-9]{5}");
        });
        assertThat(practices.stream().map(PopulationPlan.Practice::practice).distinct()).hasSize(12);
        // the last PCN may be cut short by the number of practices
        assertThat(perPcn.values().stream().filter(n -> n < 2 || n > 4).count()).isLessThanOrEqualTo(1);
        assertThat(perPcn.size()).isGreaterThan(2);
    }

    @Test
    void everyKindOfCommandAndReasonAppearsEvenInASmallPopulationAndNoDateIsInTheFuture() throws Exception {
        List<PopulationPlan.PatientPlan> patients = new PopulationPlan(CATALOGUE, TODAY)
                .patients(new PopulationPlan.Settings(42, 40, 2));
        Set<String> kinds = new HashSet<>();
        Set<String> reasons = new HashSet<>();
        Pattern pseudonym = Pattern.compile("syn42-[0-9]{6}");
        for (PopulationPlan.PatientPlan patient : patients) {
            assertThat(patient.patientId()).matches(pseudonym);
            RegimenCommands.RegisterPatient registered = (RegimenCommands.RegisterPatient) patient.commands().get(0);
            assertThat(registered.birthDate()).isBefore(TODAY.minusYears(20).plusDays(1));
            for (Object command : patient.commands()) {
                kinds.add(command.getClass().getSimpleName());
                for (RecordComponent component : command.getClass().getRecordComponents()) {
                    Object value = component.getAccessor().invoke(command);
                    if (value instanceof LocalDate date) {
                        assertThat(date).as("%s.%s", command.getClass().getSimpleName(), component.getName())
                                        .isBeforeOrEqualTo(TODAY).isAfterOrEqualTo(registered.birthDate());
                    }
                }
                if (command instanceof RegimenCommands.SwitchMedicine s) {
                    reasons.add(s.reason().name());
                } else if (command instanceof RegimenCommands.DeprescribeMedicine d) {
                    reasons.add(d.reason().name());
                } else if (command instanceof RegimenCommands.StartMedicine s) {
                    assertThat(CATALOGUE.find(s.medicineCode())).isPresent();
                }
            }
        }
        assertThat(kinds).contains("RegisterPatient", "RecordCondition", "RecordObservation", "StartMedicine",
                                   "RecordDispensing", "ChangeDose", "SwitchMedicine", "DeprescribeMedicine",
                                   "RecordAdherenceCheck", "CompleteMedicationReview");
        assertThat(reasons).contains("COST_EFFECTIVENESS", "SAFETY", "EFFICACY", "FORMULARY", "SIDE_EFFECTS",
                                     "PATIENT_PREFERENCE", "SUPPLY_SHORTAGE", "NO_LONGER_INDICATED",
                                     "ADVERSE_EFFECT", "HIGH_RISK", "DUPLICATE_THERAPY", "PATIENT_REQUEST",
                                     "COURSE_COMPLETED", "INEFFECTIVE");
    }
}
