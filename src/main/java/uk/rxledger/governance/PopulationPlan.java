package uk.rxledger.governance;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.Condition;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.ObservationKind;
import uk.rxledger.regimen.RegimenCommands.ChangeDose;
import uk.rxledger.regimen.RegimenCommands.CompleteMedicationReview;
import uk.rxledger.regimen.RegimenCommands.DeprescribeMedicine;
import uk.rxledger.regimen.RegimenCommands.RecordAdherenceCheck;
import uk.rxledger.regimen.RegimenCommands.RecordCondition;
import uk.rxledger.regimen.RegimenCommands.RecordDispensing;
import uk.rxledger.regimen.RegimenCommands.RecordObservation;
import uk.rxledger.regimen.RegimenCommands.RegisterPatient;
import uk.rxledger.regimen.RegimenCommands.StartMedicine;
import uk.rxledger.regimen.RegimenCommands.SwitchMedicine;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic primary-care population as a list of commands: a pure function of (seed, size, today, catalogue), so
 * the same seed gives the same population. Practices are grouped in PCNs under valid-looking ODS codes; patients
 * have an age and sex mix, conditions at rough primary-care prevalences and the common regimens those bring,
 * including the prescribing patterns the decision rules look for (NSAIDs in the elderly without a PPI,
 * benzodiazepines and Z-drugs, opioids without laxatives, concomitant anticholinergics, drugs that need monitoring,
 * formulary switches, polypharmacy). Every command respects the regimen's validation: no date in the future, none
 * before birth or before the line started, switches and stops after the line's last dispensing or dose change.
 * <p>
 * The first patients of each practice go through every {@link Scenario} in turn, so even a small population has
 * each kind of event in each practice (the Prometheus test relies on that); the rest are drawn at random.
 * Ids, prescribers and reviewers are pseudonyms ({@code syn42-000001}, {@code pharmacist-a81234}).
 */
public final class PopulationPlan {

    /** How large a population, and from which seed. */
    public record Settings(long seed, int patients, int practices) {
        public Settings {
            if (patients < 1 || practices < 1) {
                throw new IllegalArgumentException("A population needs at least one patient and one practice");
            }
        }
    }

    public record Practice(String practice, String pcn) {
    }

    /** One patient's commands, in the order they must be sent. */
    public record PatientPlan(String patientId, Practice practice, List<Object> commands) {
    }

    /** The patterns the first patients of each practice follow, one each. */
    enum Scenario {
        ELDERLY_NSAID_NO_PPI, BENZODIAZEPINE, OPIOID_NO_LAXATIVE, ANTICHOLINERGICS, FORMULARY_SWITCH,
        POLYPHARMACY_CARE_HOME, ASTHMA_BETA_BLOCKER, MONITORING_GAP, STOCKPILE, REVIEWED
    }

    private static final String LETTERS = "ABCDEFGHJKLMNP";

    private final Catalogue catalogue;
    private final LocalDate today;

    public PopulationPlan(Catalogue catalogue, LocalDate today) {
        this.catalogue = catalogue;
        this.today = today;
    }

    /** Practices with ODS-style codes (letter + 5 digits), 2-4 to a PCN (U + 5 digits). */
    public List<Practice> practices(Settings settings) {
        Random random = new Random(settings.seed());
        List<Practice> practices = new ArrayList<>();
        Set<String> used = new HashSet<>();
        String pcn = null;
        int inPcn = 0;
        int pcnSize = 0;
        for (int i = 0; i < settings.practices(); i++) {
            if (pcn == null || inPcn == pcnSize) {
                pcn = "U" + (10000 + random.nextInt(90000));
                pcnSize = 2 + random.nextInt(3);
                inPcn = 0;
            }
            String code;
            do {
                code = LETTERS.charAt(random.nextInt(LETTERS.length())) + Integer.toString(81000 + random.nextInt(18999));
            } while (!used.add(code));
            practices.add(new Practice(code, pcn));
            inPcn++;
        }
        return practices;
    }

    public List<PatientPlan> patients(Settings settings) {
        List<Practice> practices = practices(settings);
        Scenario[] scenarios = Scenario.values();
        List<PatientPlan> plans = new ArrayList<>(settings.patients());
        for (int i = 0; i < settings.patients(); i++) {
            // One generator per patient: a patient's plan does not depend on the others.
            Random random = new Random(settings.seed() * 1_000_003L + i);
            Practice practice = practices.get(i % practices.size());
            String id = String.format(Locale.ROOT, "syn%d-%06d", Math.abs(settings.seed() % 100_000), i + 1);
            int round = i / practices.size();
            Scenario scenario = round < scenarios.length ? scenarios[round] : null;
            plans.add(new Patient(id, practice, random, scenario).plan());
        }
        return plans;
    }

    /** Builds one patient's commands; line ids follow the aggregate's numbering (L1, L2, ...). */
    private final class Patient {
        private final String id;
        private final Practice practice;
        private final Random random;
        private final Scenario scenario;
        private final List<Object> commands = new ArrayList<>();
        /** Switches and stops: sent after every start, dispensing and dose change of the patient. */
        private final List<Object> endings = new ArrayList<>();
        private final Set<Condition> conditions = EnumSet.noneOf(Condition.class);
        private int lines;
        private LocalDate birthDate;
        private int age;

        Patient(String id, Practice practice, Random random, Scenario scenario) {
            this.id = id;
            this.practice = practice;
            this.random = random;
            this.scenario = scenario;
        }

        PatientPlan plan() {
            age = scenario == null ? age() : 66 + random.nextInt(25);
            birthDate = today.minusYears(age).minusDays(random.nextInt(365));
            boolean elderly = age >= 65;
            boolean careHome = scenario == Scenario.POLYPHARMACY_CARE_HOME
                    || age >= 85 && chance(0.15) || age >= 75 && chance(0.04);
            commands.add(new RegisterPatient(id, practice.practice(), practice.pcn(), birthDate, sex(), careHome,
                                             frailty(elderly)));
            conditions(elderly);
            regimen(elderly);
            if (scenario != null) {
                scenario(scenario);
            }
            commands.addAll(endings);
            String reviewer = "pharmacist-" + practice.practice().toLowerCase(Locale.ROOT);
            if (scenario == Scenario.REVIEWED || elderly && lines >= 5 && chance(0.35) || careHome && chance(0.4)) {
                commands.add(new CompleteMedicationReview(id, daysAgo(1 + random.nextInt(300)), reviewer,
                                                          ReviewKind.STRUCTURED, null));
            } else if (chance(0.05)) {
                commands.add(new CompleteMedicationReview(id, daysAgo(1 + random.nextInt(300)), reviewer,
                                                          ReviewKind.CLINICAL, null));
            }
            return new PatientPlan(id, practice, List.copyOf(commands));
        }

        /** Adults, weighted towards the older patients medicines optimisation is about. */
        private int age() {
            double r = random.nextDouble();
            if (r < 0.25) {
                return 20 + random.nextInt(25);
            }
            if (r < 0.55) {
                return 45 + random.nextInt(20);
            }
            if (r < 0.75) {
                return 65 + random.nextInt(10);
            }
            if (r < 0.92) {
                return 75 + random.nextInt(10);
            }
            return 85 + random.nextInt(15);
        }

        private Sex sex() {
            double r = random.nextDouble();
            return r < 0.51 ? Sex.FEMALE : r < 0.99 ? Sex.MALE : r < 0.995 ? Sex.OTHER : Sex.UNKNOWN;
        }

        private Frailty frailty(boolean elderly) {
            if (scenario == Scenario.POLYPHARMACY_CARE_HOME) {
                return Frailty.SEVERE;
            }
            double r = random.nextDouble();
            if (!elderly) {
                return r < 0.95 ? Frailty.NONE : Frailty.MILD;
            }
            return r < 0.5 ? Frailty.NONE : r < 0.8 ? Frailty.MILD : r < 0.94 ? Frailty.MODERATE : Frailty.SEVERE;
        }

        private void conditions(boolean elderly) {
            maybe(Condition.HYPERTENSION, elderly ? 0.45 : 0.12);
            maybe(Condition.DIABETES, elderly ? 0.18 : 0.06);
            maybe(Condition.ASTHMA, elderly ? 0.08 : 0.10);
            maybe(Condition.ATRIAL_FIBRILLATION, elderly ? 0.10 : 0.01);
            maybe(Condition.HEART_FAILURE, elderly ? 0.05 : 0.005);
            maybe(Condition.CHRONIC_KIDNEY_DISEASE, elderly ? 0.15 : 0.02);
            maybe(Condition.PEPTIC_ULCER_OR_GI_BLEED, elderly ? 0.05 : 0.02);
            maybe(Condition.FALLS, age >= 75 ? 0.2 : elderly ? 0.08 : 0);
            maybe(Condition.DEMENTIA, age >= 80 ? 0.1 : elderly ? 0.02 : 0);
            maybe(Condition.GLAUCOMA, elderly ? 0.04 : 0.01);
            maybe(Condition.LEARNING_DISABILITY, 0.005);
            if (scenario == Scenario.ASTHMA_BETA_BLOCKER) {
                condition(Condition.ASTHMA);
            }
        }

        private void maybe(Condition condition, double p) {
            if (chance(p)) {
                condition(condition);
            }
        }

        private void condition(Condition condition) {
            if (conditions.add(condition)) {
                commands.add(new RecordCondition(id, condition, adult(daysAgo(100 + random.nextInt(3000))), null));
            }
        }

        private void regimen(boolean elderly) {
            if (conditions.contains(Condition.HYPERTENSION)) {
                start("0206020A0AAAAAA", 1, 1); // amlodipine 5 mg
                if (chance(0.5)) {
                    start(chance(0.6) ? "0205051R0AAACAC" : "0205052N0AAABAB", 1, 1); // ramipril 5 / losartan 50
                }
                if (chance(0.15)) {
                    start("0202010P0AAADAD", 1, 1); // indapamide MR (the formulary prefers plain)
                }
                observation(ObservationKind.SYSTOLIC_BP, 118 + random.nextInt(45));
            }
            if (conditions.contains(Condition.DIABETES)) {
                start(chance(0.2) ? "0601022B0AAASAS" : "0601022B0AAABAB", 1, 2); // metformin MR / plain
                if (chance(0.3)) {
                    start("0601021M0AAAAAA", 1, 2); // gliclazide 80 mg
                }
                observation(ObservationKind.HBA1C, 44 + random.nextInt(40));
            }
            if (conditions.contains(Condition.ATRIAL_FIBRILLATION)) {
                if (chance(0.7)) {
                    start("0208020Z0AAABAB", 1, 2); // apixaban 5 mg
                } else {
                    start("0208020V0AAABAB", 1, 1); // warfarin 3 mg
                }
                if (chance(0.5)) {
                    start("0204000H0AAAJAJ", 1, 1); // bisoprolol 2.5 mg
                }
            }
            if (conditions.contains(Condition.HEART_FAILURE)) {
                start("0204000H0AAAJAJ", 1, 1);
                start("0202020L0AABDBD", 1, 1); // furosemide 40 mg
                start("0205051R0AAACAC", 1, 1);
            }
            if (conditions.contains(Condition.ASTHMA)) {
                start("0301011R0AAAPAP", 2, 2); // salbutamol inhaler (doses)
                start("0302000C0AABFBF", 2, 2); // beclometasone inhaler
            }
            if (conditions.contains(Condition.CHRONIC_KIDNEY_DISEASE)) {
                observation(ObservationKind.EGFR, 28 + random.nextInt(32));
            }
            if (age >= 50 && chance(conditions.contains(Condition.DIABETES) ? 0.8 : 0.35)) {
                start(chance(0.15) ? "0212000AAAAAAAA" : "0212000B0AAABAB", 1, 1); // rosuvastatin / atorvastatin
            }
            if (chance(elderly ? 0.10 : 0.06)) {
                start(chance(0.5) ? "1001010J0AAAEAE" : "1001010P0AAAEAE", 1, chance(0.5) ? 3 : 2); // NSAID
                if (chance(0.5)) {
                    start("0103050P0AAAAAA", 1, 1); // with omeprazole 20 mg
                }
            } else if (chance(elderly ? 0.15 : 0.06)) {
                start(chance(0.2) ? "0103050E0AAAAAA" : "0103050P0AAAAAA", 1, 1); // esomeprazole / omeprazole
            }
            if (chance(elderly ? 0.10 : 0.06)) {
                opioid(chance(0.5));
            }
            if (chance(elderly ? 0.05 : 0.03)) {
                start(chance(0.6) ? "0401020K0AAAHAH" : "0401010Z0AAAAAA", 1, 1); // diazepam 2 / zopiclone 7.5
            }
            if (chance(0.06)) {
                start("0403010B0AAAGAG", 1, 1); // amitriptyline 10 mg (ACB 3)
            }
            if (elderly && chance(0.04)) {
                start("0704020J0AAACAC", 1, 2); // oxybutynin 5 mg (ACB 3)
            }
            if (chance(0.08)) {
                start(chance(0.5) ? "0403030Q0AAAAAA" : "0403030D0AAAAAA", 1, 1); // sertraline / citalopram
            }
            if (elderly && chance(0.08)) {
                start("0209000A0AAABAB", 1, 1); // aspirin 75 mg dispersible
            }
            if (chance(0.02)) {
                start("0408010AEAAACAC", 1, 2); // pregabalin 75 mg
            }
            if (chance(0.04)) {
                start("0602010V0AABXBX", 1, 1); // levothyroxine 50 micrograms
            }
        }

        private void opioid(boolean withLaxative) {
            double r = random.nextDouble();
            if (r < 0.5) {
                start("0407010F0AAAHAH", 2, 4); // co-codamol 30/500
            } else if (r < 0.8) {
                start("0407020C0AAAEAE", 1, 4); // codeine 30 mg
            } else {
                start("040702040AAAAAA", 1, 3); // tramadol 50 mg
            }
            if (withLaxative) {
                start("0106020M0AAACAC", 2, 1); // senna 7.5 mg
            }
        }

        private void scenario(Scenario scenario) {
            switch (scenario) {
                case ELDERLY_NSAID_NO_PPI -> {
                    String ibuprofen = start("1001010J0AAAEAE", 1, 3);
                    deprescribe(ibuprofen, DeprescribeReason.ADVERSE_EFFECT, null);
                    String naproxen = start("1001010P0AAAEAE", 1, 2);
                    switchTo(naproxen, "0407010H0AAAMAM", 2, 4, SwitchReason.SAFETY, null); // to paracetamol
                    start("1001010AAAAAAAA", 1, 1); // meloxicam stays: the alert holds
                }
                case BENZODIAZEPINE -> {
                    String benzo = start("0401020K0AAAHAH", 1, 3);
                    start("0401010Z0AAAAAA", 1, 1);
                    condition(Condition.FALLS);
                    deprescribe(benzo, DeprescribeReason.HIGH_RISK, "Reduce by a quarter every two weeks");
                }
                case OPIOID_NO_LAXATIVE -> {
                    opioid(false);
                    String tramadol = start("040702040AAAAAA", 1, 2);
                    deprescribe(tramadol, DeprescribeReason.DUPLICATE_THERAPY, null);
                }
                case ANTICHOLINERGICS -> {
                    String amitriptyline = start("0403010B0AAAGAG", 1, 1);
                    start("0704020J0AAACAC", 1, 2);
                    start("0304010G0AAACAC", 1, 3); // chlorphenamine
                    changeDose(amitriptyline, 2, 1);
                    deprescribe(amitriptyline, DeprescribeReason.INEFFECTIVE, null);
                }
                case FORMULARY_SWITCH -> {
                    String esomeprazole = start("0103050E0AAAAAA", 1, 1);
                    switchTo(esomeprazole, "0103050P0AAAAAA", 1, 1, SwitchReason.COST_EFFECTIVENESS, 7.0);
                    String rosuvastatin = start("0212000AAAAAAAA", 1, 1);
                    switchTo(rosuvastatin, "0212000B0AAABAB", 1, 1, SwitchReason.FORMULARY, null);
                    start("0411000D0AAAIAI", 1, 1); // donepezil orodispersible: its switch alert stays open
                }
                case POLYPHARMACY_CARE_HOME -> {
                    for (String code : List.of("0206020A0AAAAAA", "0205051R0AAACAC", "0212000B0AAABAB",
                                               "0601022B0AAABAB", "0209000A0AAABAB", "0103050P0AAAAAA",
                                               "0202020L0AABDBD", "0407010H0AAAMAM", "0602010V0AABXBX",
                                               "0906040G0AAANAN", "0403030Q0AAAAAA")) {
                        start(code, 1, 1);
                    }
                }
                case ASTHMA_BETA_BLOCKER -> {
                    String propranolol = start("0204000R0AAAJAJ", 1, 2);
                    switchTo(propranolol, "0204000H0AAAJAJ", 1, 1, SwitchReason.SIDE_EFFECTS, null);
                    start("0204000R0AAAHAH", 1, 2);
                }
                case MONITORING_GAP -> {
                    start("0402030K0AAAFAF", 1, 1); // lithium without a lithium level
                    start("0203020D0AAABAB", 1, 1); // amiodarone without a thyroid test
                    String methotrexate = start("1001030U0AAABAB", 4, 1.0 / 7); // weekly
                    observation(ObservationKind.FULL_BLOOD_COUNT, null);
                    deprescribe(methotrexate, DeprescribeReason.PATIENT_REQUEST, null);
                }
                case STOCKPILE -> {
                    String statin = start("0212000B0AAABAB", 1, 1);
                    // A pill count finding two months' tablets where a day's supply was expected.
                    commands.add(new RecordAdherenceCheck(id, statin, daysAgo(1), AdherenceMethod.PILL_COUNT,
                                                          daysAgo(56), daysAgo(1), 60.0, null));
                    String lansoprazole = start("0103050L0AAAAAA", 1, 1);
                    switchTo(lansoprazole, "0103050R0AAAAAA", 1, 1, SwitchReason.SUPPLY_SHORTAGE, null);
                    String citalopram = start("0403030D0AAAAAA", 1, 1);
                    switchTo(citalopram, "0403030Q0AAAAAA", 1, 1, SwitchReason.EFFICACY, null);
                    String omeprazole = start("0103050P0AAAAAA", 1, 1);
                    switchTo(omeprazole, "0103050R0AAABAB", 1, 1, SwitchReason.PATIENT_PREFERENCE, null);
                    String prednisolone = start("0603020T0AAACAC", 1, 1);
                    deprescribe(prednisolone, DeprescribeReason.COURSE_COMPLETED, null);
                    String paracetamol = start("0407010H0AAAMAM", 2, 4);
                    deprescribe(paracetamol, DeprescribeReason.NO_LONGER_INDICATED, null);
                }
                case REVIEWED -> {
                    start("0206020A0AAAAAA", 1, 1);
                    start("0212000B0AAABAB", 1, 1);
                }
            }
        }

        /**
         * Opens a line 100-900 days ago with dispensings every 28 days over the last 12 weeks (one missed by a
         * patient who is not adherent), an adherence check for some lines, and a switch or stop for some.
         */
        private String start(String code, double unitsPerDose, double dosesPerDay) {
            Medicine medicine = catalogue.find(code).orElseThrow(
                    () -> new IllegalStateException("Not in the catalogue: " + code));
            String lineId = "L" + (++lines);
            // Patients are 20 or older, so adulthood began at least two years ago: a line starts >= 100 days ago.
            LocalDate startedOn = adult(daysAgo(100 + random.nextInt(800)));
            commands.add(new StartMedicine(id, medicine.code(), unitsPerDose, dosesPerDay, startedOn,
                                           null, "prescriber-" + practice.practice().toLowerCase(Locale.ROOT)));
            double daily = unitsPerDose * dosesPerDay;
            boolean adherent = !chance(0.2);
            for (int daysAgo : new int[]{84, 56, 28}) {
                if (daysAgo == 56 && !adherent) {
                    continue;
                }
                commands.add(new RecordDispensing(id, lineId, Math.ceil(28 * daily), daysAgo(daysAgo)));
            }
            // Checks cover periods ending before any switch or stop of the line (those are 3-14 days ago).
            if (chance(0.25)) {
                commands.add(new RecordAdherenceCheck(id, lineId, daysAgo(15), AdherenceMethod.REFILL_RECORD,
                                                      daysAgo(90), daysAgo(16), null, null));
            } else if (chance(0.05)) {
                commands.add(new RecordAdherenceCheck(id, lineId, daysAgo(15), AdherenceMethod.SELF_REPORT,
                                                      daysAgo(45), daysAgo(16), null, (double) random.nextInt(4)));
            }
            if (scenario == null) {
                randomEnding(lineId, medicine, unitsPerDose, dosesPerDay);
            }
            return lineId;
        }

        private void randomEnding(String lineId, Medicine medicine, double unitsPerDose, double dosesPerDay) {
            String drugClass = medicine.drugClass();
            if (medicine.formularyAlternativeCode() != null && chance(0.5)) {
                switchTo(lineId, medicine.formularyAlternativeCode(), unitsPerDose, dosesPerDay,
                         chance(0.7) ? SwitchReason.COST_EFFECTIVENESS : SwitchReason.FORMULARY,
                         chance(0.3) ? 14.0 : null);
            } else if (("BENZODIAZEPINE".equals(drugClass) || "Z_DRUG".equals(drugClass)) && chance(0.3)) {
                deprescribe(lineId, DeprescribeReason.HIGH_RISK, "Reduce by a quarter every two weeks");
            } else if ("PPI".equals(drugClass) && chance(0.15)) {
                deprescribe(lineId, DeprescribeReason.NO_LONGER_INDICATED, null);
            } else if ("NSAID".equals(drugClass) && age >= 65 && chance(0.2)) {
                switchTo(lineId, "0407010H0AAAMAM", 2, 4, SwitchReason.SAFETY, null); // to paracetamol
            } else if ("OPIOID".equals(drugClass) && chance(0.1)) {
                deprescribe(lineId, chance(0.5) ? DeprescribeReason.PATIENT_REQUEST : DeprescribeReason.INEFFECTIVE,
                            null);
            } else if ("STATIN".equals(drugClass) && chance(0.05)) {
                switchTo(lineId, "0212000X0AAABAB", 1, 1, SwitchReason.SIDE_EFFECTS, null); // to pravastatin
            } else if (chance(0.03)) {
                changeDose(lineId, unitsPerDose * 2, dosesPerDay);
            }
        }

        /** A dose change 20 days ago: after the last dispensing, before any switch or stop. */
        private void changeDose(String lineId, double unitsPerDose, double dosesPerDay) {
            commands.add(new ChangeDose(id, lineId, unitsPerDose, dosesPerDay, daysAgo(20), "titration"));
        }

        private void switchTo(String lineId, String toCode, double unitsPerDose, double dosesPerDay,
                              SwitchReason reason, Double unused) {
            // The new line's id is never needed: nothing refers to it, and switches go after every start.
            endings.add(new SwitchMedicine(id, lineId, toCode, unitsPerDose, dosesPerDay,
                                           daysAgo(3 + random.nextInt(12)), reason, unused));
        }

        private void deprescribe(String lineId, DeprescribeReason reason, String taperPlan) {
            endings.add(new DeprescribeMedicine(id, lineId, daysAgo(3 + random.nextInt(12)), reason,
                                                chance(0.3) ? 10.0 : null, taperPlan));
        }

        private void observation(ObservationKind kind, Number value) {
            commands.add(new RecordObservation(id, kind, daysAgo(5 + random.nextInt(300)),
                                               value == null ? null : value.doubleValue(), null));
        }

        private LocalDate daysAgo(int days) {
            return today.minusDays(days);
        }

        private LocalDate adult(LocalDate date) {
            LocalDate adulthood = birthDate.plusYears(18);
            return date.isBefore(adulthood) ? adulthood : date;
        }

        private boolean chance(double p) {
            return random.nextDouble() < p;
        }
    }
}
