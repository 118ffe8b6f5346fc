package uk.rxledger.regimen;

import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.ResultValidator;
import org.axonframework.test.aggregate.TestExecutor;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.domain.Rejected;
import uk.rxledger.regimen.RegimenCommands.ChangeDose;
import uk.rxledger.regimen.RegimenCommands.CompleteMedicationReview;
import uk.rxledger.regimen.RegimenCommands.DeprescribeMedicine;
import uk.rxledger.regimen.RegimenCommands.RecordAdherenceCheck;
import uk.rxledger.regimen.RegimenCommands.RecordCondition;
import uk.rxledger.regimen.RegimenCommands.RecordDispensing;
import uk.rxledger.regimen.RegimenCommands.RecordObservation;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.RegimenCommands.RegisterPatient;
import uk.rxledger.regimen.RegimenCommands.StartMedicine;
import uk.rxledger.regimen.RegimenCommands.SwitchMedicine;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every command of the {@link PatientRegimen} aggregate, accepted and rejected, on Axon's aggregate fixture.
 * <p>
 * Today is 2026-06-15 (fixed clock, Europe/London). The standard patient was born on 1950-03-01; the standard line L1
 * is omeprazole 20 mg, one capsule once a day, started on 2026-03-01.
 */
class PatientRegimenTest {

    private static final Catalogue CATALOGUE = Catalogue.loadDefault();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-15T10:00:00Z"), ZoneId.of("Europe/London"));

    static final LocalDate TODAY = LocalDate.of(2026, 6, 15);
    static final LocalDate TOMORROW = TODAY.plusDays(1);
    static final LocalDate BORN = LocalDate.of(1950, 3, 1);
    static final LocalDate STARTED = LocalDate.of(2026, 3, 1);

    static final String PATIENT = "pt-7f3a9c";
    static final String PRACTICE = "A81001";
    static final String PCN = "U12345";
    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";
    static final String ESOMEPRAZOLE_20 = "0103050E0AAAAAA";
    static final String LANSOPRAZOLE_30 = "0103050L0AAAAAA";
    static final String UNKNOWN_CODE = "0103050Z0AAAAAA";

    private AggregateTestFixture<PatientRegimen> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(PatientRegimen.class);
        fixture.registerInjectableResource(CATALOGUE);
        fixture.registerInjectableResource(CLOCK);
    }

    // ================================================================== helpers

    /** The events already in a patient's stream, built fluently; {@link #size()} is the next sequence number. */
    static final class History {
        private final List<Object> events = new ArrayList<>();

        static History registered() {
            History history = new History();
            history.events.add(new PatientRegistered(PATIENT, PRACTICE, PCN, BORN, Sex.FEMALE, false, Frailty.NONE));
            return history;
        }

        /** Registered, with line L1: omeprazole 20 mg 1 x 1 a day from {@link #STARTED}. */
        static History withOmeprazole() {
            return registered().started("L1", OMEPRAZOLE_20, 1, 1, STARTED);
        }

        History started(String lineId, String code, double unitsPerDose, double dosesPerDay, LocalDate on) {
            return add(new MedicineStarted(PATIENT, lineId, code, unitsPerDose, dosesPerDay, on, "GORD", "Dr Okafor"));
        }

        History dispensed(String lineId, double quantity, LocalDate on) {
            return add(new MedicineDispensed(PATIENT, lineId, quantity, on));
        }

        History doseChanged(String lineId, double units, double doses, LocalDate on, double prevUnits,
                            double prevDoses) {
            return add(new DoseChanged(PATIENT, lineId, units, doses, on, "titration", prevUnits, prevDoses));
        }

        History switched(String lineId, String from, String newLineId, String to, LocalDate on) {
            return add(new MedicineSwitched(PATIENT, lineId, from, newLineId, to, 1, 1, on,
                                            SwitchReason.COST_EFFECTIVENESS, null));
        }

        History deprescribed(String lineId, String code, LocalDate on) {
            return add(new MedicineDeprescribed(PATIENT, lineId, code, on, DeprescribeReason.NO_LONGER_INDICATED,
                                                null, null));
        }

        private History add(Object event) {
            events.add(event);
            return this;
        }

        long size() {
            return events.size();
        }

        Object[] events() {
            return events.toArray();
        }
    }

    private TestExecutor<PatientRegimen> given(History history) {
        return fixture.given(history.events());
    }

    /** The command is accepted: exactly {@code event} is applied and the handler answers {@code result}. */
    private void accepted(History history, Object command, Object event, Recorded result) {
        given(history).when(command)
                .expectSuccessfulHandlerExecution()
                .expectEvents(event)
                .expectResultMessagePayload(result);
    }

    /** The command is rejected with {@code code} on {@code field}, and nothing is applied. */
    private void rejected(History history, Object command, String code, String field) {
        expectRejected(given(history).when(command), code, field);
    }

    private static void expectRejected(ResultValidator<PatientRegimen> result, String code, String field) {
        result.expectException(Rejected.class)
                .expectException(rejection(code, field))
                .expectNoEvents();
    }

    static Matcher<Rejected> rejection(String code, String field) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Rejected rejected) {
                return code.equals(rejected.code()) && field.equals(rejected.field());
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("Rejected with code ").appendValue(code).appendText(" on field ")
                        .appendValue(field);
            }

            @Override
            protected void describeMismatchSafely(Rejected rejected, Description mismatch) {
                mismatch.appendText("was code ").appendValue(rejected.code()).appendText(" on field ")
                        .appendValue(rejected.field()).appendText(": ").appendText(rejected.getMessage());
            }
        };
    }

    static RegisterPatient register(String patientId) {
        return new RegisterPatient(patientId, PRACTICE, PCN, BORN, Sex.FEMALE, false, Frailty.NONE);
    }

    static StartMedicine start(String code, double unitsPerDose, double dosesPerDay, LocalDate on) {
        return new StartMedicine(PATIENT, code, unitsPerDose, dosesPerDay, on, "GORD", "Dr Okafor");
    }

    static RecordDispensing dispense(String lineId, double quantity, LocalDate on) {
        return new RecordDispensing(PATIENT, lineId, quantity, on);
    }

    static ChangeDose changeDose(String lineId, double unitsPerDose, double dosesPerDay, LocalDate on) {
        return new ChangeDose(PATIENT, lineId, unitsPerDose, dosesPerDay, on, "titration");
    }

    static SwitchMedicine switchTo(String lineId, String code, LocalDate on, Double unused) {
        return new SwitchMedicine(PATIENT, lineId, code, 1, 1, on, SwitchReason.COST_EFFECTIVENESS, unused);
    }

    static DeprescribeMedicine deprescribe(String lineId, LocalDate on, Double unused) {
        return new DeprescribeMedicine(PATIENT, lineId, on, DeprescribeReason.NO_LONGER_INDICATED, unused, null);
    }

    static RecordAdherenceCheck check(AdherenceMethod method, LocalDate from, LocalDate to, LocalDate checkedOn,
                                      Double unitsRemaining, Double dosesMissedPerWeek) {
        return new RecordAdherenceCheck(PATIENT, "L1", checkedOn, method, from, to, unitsRemaining,
                                        dosesMissedPerWeek);
    }

    static LocalDate date(String iso) {
        return LocalDate.parse(iso);
    }

    // ================================================================== registerPatient

    @Nested
    class RegisterPatientCommand {

        @Test
        void registersThePatientAndAnswersItsId() {
            fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, PRACTICE, PCN, BORN, Sex.MALE, true, Frailty.MODERATE))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(new PatientRegistered(PATIENT, PRACTICE, PCN, BORN, Sex.MALE, true,
                                                        Frailty.MODERATE))
                    .expectResultMessagePayload(PATIENT);
        }

        @Test
        void frailtyDefaultsToNoneAndPcnIsOptional() {
            fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, PRACTICE, null, BORN, Sex.UNKNOWN, false, null))
                    .expectEvents(new PatientRegistered(PATIENT, PRACTICE, null, BORN, Sex.UNKNOWN, false,
                                                        Frailty.NONE));
        }

        @Test
        void tenDigitIdThatFailsTheModulus11CheckIsAccepted() {
            // 1234567890: sum 1x10+2x9+...+9x2 = 210, 210 mod 11 = 1, check digit 11-1 = 10: no NHS number has it.
            fixture.givenNoPriorActivity()
                    .when(register("1234567890"))
                    .expectEvents(new PatientRegistered("1234567890", PRACTICE, PCN, BORN, Sex.FEMALE, false,
                                                        Frailty.NONE));
        }

        @Test
        void birthDateTodayIsAccepted() {
            fixture.givenNoPriorActivity()
                    .when(new RegisterPatient(PATIENT, PRACTICE, PCN, TODAY, Sex.FEMALE, false, null))
                    .expectEvents(new PatientRegistered(PATIENT, PRACTICE, PCN, TODAY, Sex.FEMALE, false,
                                                        Frailty.NONE));
        }

        static Stream<Arguments> invalidRegistrations() {
            return Stream.of(
                    arguments("id with spaces", new RegisterPatient("pt 7f3a9c", PRACTICE, PCN, BORN, Sex.FEMALE,
                                                                    false, null), "INVALID_ID", "patientId"),
                    arguments("id starting with a dash", register("-pt"), "INVALID_ID", "patientId"),
                    arguments("id of 65 characters", register("p".repeat(65)), "INVALID_ID", "patientId"),
                    // 9434765919: 9x10+4x9+3x8+4x7+7x6+6x5+5x4+9x3+1x2 = 299, 299 mod 11 = 2, 11-2 = 9 = last digit
                    arguments("valid NHS number", register("9434765919"), "NHS_NUMBER_NOT_ALLOWED", "patientId"),
                    arguments("lower-case practice code",
                              new RegisterPatient(PATIENT, "a81001", PCN, BORN, Sex.FEMALE, false, null),
                              "INVALID_ODS_CODE", "practice"),
                    arguments("pcn code with a dash",
                              new RegisterPatient(PATIENT, PRACTICE, "U-12345", BORN, Sex.FEMALE, false, null),
                              "INVALID_ODS_CODE", "pcn"),
                    arguments("missing practice",
                              new RegisterPatient(PATIENT, null, PCN, BORN, Sex.FEMALE, false, null),
                              "MISSING_FIELD", "practice"),
                    arguments("birth date tomorrow",
                              new RegisterPatient(PATIENT, PRACTICE, PCN, TOMORROW, Sex.FEMALE, false, null),
                              "INVALID_DATE", "birthDate"),
                    arguments("birth date more than 130 years ago",
                              new RegisterPatient(PATIENT, PRACTICE, PCN, date("1896-06-14"), Sex.FEMALE, false,
                                                  null),
                              "INVALID_DATE", "birthDate"),
                    arguments("missing birth date",
                              new RegisterPatient(PATIENT, PRACTICE, PCN, null, Sex.FEMALE, false, null),
                              "MISSING_FIELD", "birthDate"),
                    arguments("missing sex",
                              new RegisterPatient(PATIENT, PRACTICE, PCN, BORN, null, false, null),
                              "MISSING_FIELD", "sex"));
        }

        @ParameterizedTest(name = "{0} -> {2} on {3}")
        @MethodSource("invalidRegistrations")
        void rejectsInvalidRegistration(String description, RegisterPatient command, String code, String field) {
            expectRejected(fixture.givenNoPriorActivity().when(command), code, field);
        }
    }

    // ================================================================== unknown patient

    static Stream<Arguments> commandsToAnUnregisteredPatient() {
        return Stream.of(
                arguments("recordCondition", new RecordCondition(PATIENT, Condition.ASTHMA, STARTED, null)),
                arguments("recordObservation", new RecordObservation(PATIENT, ObservationKind.EGFR, STARTED, 50.0,
                                                                     null)),
                arguments("startMedicine", start(OMEPRAZOLE_20, 1, 1, STARTED)),
                arguments("recordDispensing", dispense("L1", 28, STARTED)),
                arguments("changeDose", changeDose("L1", 2, 1, STARTED)),
                arguments("switchMedicine", switchTo("L1", ESOMEPRAZOLE_20, STARTED, null)),
                arguments("deprescribeMedicine", deprescribe("L1", STARTED, null)),
                arguments("recordAdherenceCheck", check(AdherenceMethod.SELF_REPORT, STARTED, STARTED, STARTED, null,
                                                        0.0)),
                arguments("completeMedicationReview", new CompleteMedicationReview(PATIENT, STARTED, "Dr Okafor",
                                                                                   null, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandsToAnUnregisteredPatient")
    void commandToAnUnregisteredPatientFindsNoAggregate(String name, Object command) {
        fixture.givenNoPriorActivity()
                .when(command)
                .expectException(AggregateNotFoundException.class)
                .expectNoEvents();
    }

    // ================================================================== quantity limits

    private static final double UNITS_PER_DOSE_LIMIT = 1_000;
    private static final double DOSES_PER_DAY_LIMIT = 100;
    private static final double UNITS_LIMIT = 1_000_000;

    /** L1 is esomeprazole 20 mg 1 x 1 a day from {@link #STARTED}. */
    private static History withEsomeprazole() {
        return History.registered().started("L1", ESOMEPRAZOLE_20, 1, 1, STARTED);
    }

    /** Every quantity a command carries, exactly at its upper limit: accepted and stored as given. */
    static Stream<Arguments> quantitiesAtTheLimit() {
        LocalDate march28 = date("2026-03-28");
        return Stream.of(
                arguments("startMedicine at 1,000 units per dose", History.registered(),
                          start(OMEPRAZOLE_20, UNITS_PER_DOSE_LIMIT, 1, STARTED),
                          new MedicineStarted(PATIENT, "L1", OMEPRAZOLE_20, UNITS_PER_DOSE_LIMIT, 1, STARTED, "GORD",
                                              "Dr Okafor"),
                          new Recorded(1, "L1")),
                arguments("startMedicine at 100 doses a day", History.registered(),
                          start(OMEPRAZOLE_20, 1, DOSES_PER_DAY_LIMIT, STARTED),
                          new MedicineStarted(PATIENT, "L1", OMEPRAZOLE_20, 1, DOSES_PER_DAY_LIMIT, STARTED, "GORD",
                                              "Dr Okafor"),
                          new Recorded(1, "L1")),
                arguments("recordDispensing of 1,000,000 units", History.withOmeprazole(),
                          dispense("L1", UNITS_LIMIT, TODAY),
                          new MedicineDispensed(PATIENT, "L1", UNITS_LIMIT, TODAY),
                          new Recorded(2, "L1")),
                arguments("changeDose to 1,000 units 100 times a day", History.withOmeprazole(),
                          changeDose("L1", UNITS_PER_DOSE_LIMIT, DOSES_PER_DAY_LIMIT, TODAY),
                          new DoseChanged(PATIENT, "L1", UNITS_PER_DOSE_LIMIT, DOSES_PER_DAY_LIMIT, TODAY,
                                          "titration", 1, 1),
                          new Recorded(2, "L1")),
                arguments("switchMedicine to 1,000 units 100 times a day leaving 1,000,000 units",
                          withEsomeprazole(),
                          new SwitchMedicine(PATIENT, "L1", OMEPRAZOLE_20, UNITS_PER_DOSE_LIMIT, DOSES_PER_DAY_LIMIT,
                                             TODAY, SwitchReason.FORMULARY, UNITS_LIMIT),
                          new MedicineSwitched(PATIENT, "L1", ESOMEPRAZOLE_20, "L2", OMEPRAZOLE_20,
                                               UNITS_PER_DOSE_LIMIT, DOSES_PER_DAY_LIMIT, TODAY,
                                               SwitchReason.FORMULARY, UNITS_LIMIT),
                          new Recorded(2, "L2")),
                arguments("deprescribeMedicine leaving 1,000,000 units", History.withOmeprazole(),
                          deprescribe("L1", TODAY, UNITS_LIMIT),
                          new MedicineDeprescribed(PATIENT, "L1", OMEPRAZOLE_20, TODAY,
                                                   DeprescribeReason.NO_LONGER_INDICATED, UNITS_LIMIT, null),
                          new Recorded(2, "L1")),
                // (28 dispensed - 1,000,000 counted) / 28 expected, clamped to 0
                arguments("pill count of 1,000,000 units", History.withOmeprazole().dispensed("L1", 28, STARTED),
                          check(AdherenceMethod.PILL_COUNT, STARTED, march28, TODAY, UNITS_LIMIT, null),
                          new AdherenceChecked(PATIENT, "L1", TODAY, AdherenceMethod.PILL_COUNT, STARTED, march28,
                                               UNITS_LIMIT, null, 0.0, false, Adherence.ADHERENT_THRESHOLD),
                          new Recorded(3, "L1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quantitiesAtTheLimit")
    void acceptsAQuantityAtItsLimit(String description, History history, Object command, Object event,
                                    Recorded result) {
        accepted(history, command, event, result);
    }

    /** Just above each limit (the next double up), absurdly large, or not a finite number: INVALID_QUANTITY. */
    static Stream<Arguments> quantitiesOverTheLimit() {
        double overDose = Math.nextUp(UNITS_PER_DOSE_LIMIT);
        double overDoses = Math.nextUp(DOSES_PER_DAY_LIMIT);
        double overUnits = Math.nextUp(UNITS_LIMIT);
        LocalDate march28 = date("2026-03-28");
        History supplied = History.withOmeprazole().dispensed("L1", 28, STARTED);
        return Stream.of(
                arguments("startMedicine, units per dose just over 1,000", History.registered(),
                          start(OMEPRAZOLE_20, overDose, 1, STARTED), "unitsPerDose"),
                arguments("startMedicine, 1e300 units per dose", History.registered(),
                          start(OMEPRAZOLE_20, 1e300, 1, STARTED), "unitsPerDose"),
                arguments("startMedicine, NaN units per dose", History.registered(),
                          start(OMEPRAZOLE_20, Double.NaN, 1, STARTED), "unitsPerDose"),
                arguments("startMedicine, doses per day just over 100", History.registered(),
                          start(OMEPRAZOLE_20, 1, overDoses, STARTED), "dosesPerDay"),
                arguments("startMedicine, infinite doses per day", History.registered(),
                          start(OMEPRAZOLE_20, 1, Double.POSITIVE_INFINITY, STARTED), "dosesPerDay"),
                arguments("recordDispensing, just over 1,000,000 units", History.withOmeprazole(),
                          dispense("L1", overUnits, TODAY), "quantity"),
                arguments("recordDispensing, 1e300 units", History.withOmeprazole(),
                          dispense("L1", 1e300, TODAY), "quantity"),
                arguments("recordDispensing, infinite units", History.withOmeprazole(),
                          dispense("L1", Double.POSITIVE_INFINITY, TODAY), "quantity"),
                arguments("changeDose, units per dose just over 1,000", History.withOmeprazole(),
                          changeDose("L1", overDose, 1, TODAY), "unitsPerDose"),
                arguments("changeDose, doses per day just over 100", History.withOmeprazole(),
                          changeDose("L1", 1, overDoses, TODAY), "dosesPerDay"),
                arguments("switchMedicine, units per dose just over 1,000", withEsomeprazole(),
                          new SwitchMedicine(PATIENT, "L1", OMEPRAZOLE_20, overDose, 1, TODAY,
                                             SwitchReason.FORMULARY, null), "unitsPerDose"),
                arguments("switchMedicine, doses per day just over 100", withEsomeprazole(),
                          new SwitchMedicine(PATIENT, "L1", OMEPRAZOLE_20, 1, overDoses, TODAY,
                                             SwitchReason.FORMULARY, null), "dosesPerDay"),
                arguments("switchMedicine, just over 1,000,000 units left", withEsomeprazole(),
                          switchTo("L1", OMEPRAZOLE_20, TODAY, overUnits), "unusedQuantity"),
                arguments("deprescribeMedicine, just over 1,000,000 units left", History.withOmeprazole(),
                          deprescribe("L1", TODAY, overUnits), "unusedQuantity"),
                arguments("deprescribeMedicine, 1e300 units left", History.withOmeprazole(),
                          deprescribe("L1", TODAY, 1e300), "unusedQuantity"),
                arguments("pill count, just over 1,000,000 units", supplied,
                          check(AdherenceMethod.PILL_COUNT, STARTED, march28, TODAY, overUnits, null),
                          "unitsRemaining"),
                arguments("pill count, 1e300 units", supplied,
                          check(AdherenceMethod.PILL_COUNT, STARTED, march28, TODAY, 1e300, null),
                          "unitsRemaining"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quantitiesOverTheLimit")
    void rejectsAQuantityOverItsLimit(String description, History history, Object command, String field) {
        rejected(history, command, "INVALID_QUANTITY", field);
    }

    // ================================================================== recordCondition

    @Nested
    class RecordConditionCommand {

        @Test
        void recordsAnOpenCondition() {
            accepted(History.registered(),
                     new RecordCondition(PATIENT, Condition.HEART_FAILURE, date("2019-11-20"), null),
                     new ConditionRecorded(PATIENT, Condition.HEART_FAILURE, date("2019-11-20"), null),
                     new Recorded(1, null));
        }

        @Test
        void recordsAResolvedConditionOnTheBirthDateUpToToday() {
            accepted(History.registered(),
                     new RecordCondition(PATIENT, Condition.DELIRIUM, BORN, TODAY),
                     new ConditionRecorded(PATIENT, Condition.DELIRIUM, BORN, TODAY),
                     new Recorded(1, null));
        }

        @Test
        void resolvedOnTheDayItWasRecordedIsAccepted() {
            accepted(History.withOmeprazole(),
                     new RecordCondition(PATIENT, Condition.FALLS, STARTED, STARTED),
                     new ConditionRecorded(PATIENT, Condition.FALLS, STARTED, STARTED),
                     new Recorded(2, null));
        }

        @Test
        void rejectsResolvedBeforeRecorded() {
            rejected(History.registered(),
                     new RecordCondition(PATIENT, Condition.ASTHMA, date("2020-05-02"), date("2020-05-01")),
                     "INVALID_DATE", "resolvedOn");
        }

        @Test
        void rejectsRecordedInTheFuture() {
            rejected(History.registered(), new RecordCondition(PATIENT, Condition.ASTHMA, TOMORROW, null),
                     "INVALID_DATE", "recordedOn");
        }

        @Test
        void rejectsResolvedInTheFuture() {
            rejected(History.registered(), new RecordCondition(PATIENT, Condition.ASTHMA, TODAY, TOMORROW),
                     "INVALID_DATE", "resolvedOn");
        }

        @Test
        void rejectsRecordedBeforeBirth() {
            rejected(History.registered(), new RecordCondition(PATIENT, Condition.ASTHMA, BORN.minusDays(1), null),
                     "INVALID_DATE", "recordedOn");
        }

        @Test
        void rejectsMissingRecordedOn() {
            rejected(History.registered(), new RecordCondition(PATIENT, Condition.ASTHMA, null, null),
                     "MISSING_FIELD", "recordedOn");
        }
    }

    // ================================================================== recordObservation

    @Nested
    class RecordObservationCommand {

        @Test
        void fillsTheDefaultUnitForEgfr() {
            accepted(History.registered(),
                     new RecordObservation(PATIENT, ObservationKind.EGFR, date("2026-06-01"), 48.0, null),
                     new ObservationRecorded(PATIENT, ObservationKind.EGFR, date("2026-06-01"), 48.0,
                                             "mL/min/1.73m2"),
                     new Recorded(1, null));
        }

        @Test
        void keepsAGivenUnit() {
            accepted(History.registered(),
                     new RecordObservation(PATIENT, ObservationKind.SYSTOLIC_BP, TODAY, 152.0, "mm[Hg]"),
                     new ObservationRecorded(PATIENT, ObservationKind.SYSTOLIC_BP, TODAY, 152.0, "mm[Hg]"),
                     new Recorded(1, null));
        }

        @Test
        void recordsATestKindWithoutValueOrUnit() {
            accepted(History.registered(),
                     new RecordObservation(PATIENT, ObservationKind.FULL_BLOOD_COUNT, TODAY, null, null),
                     new ObservationRecorded(PATIENT, ObservationKind.FULL_BLOOD_COUNT, TODAY, null, null),
                     new Recorded(1, null));
        }

        @Test
        void rejectsANumericKindWithoutValue() {
            rejected(History.registered(),
                     new RecordObservation(PATIENT, ObservationKind.POTASSIUM, TODAY, null, "mmol/L"),
                     "MISSING_FIELD", "value");
        }

        @Test
        void rejectsAZeroValue() {
            rejected(History.registered(), new RecordObservation(PATIENT, ObservationKind.HBA1C, TODAY, 0.0, null),
                     "INVALID_VALUE", "value");
        }

        @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1} accepted: {2}")
        @org.junit.jupiter.params.provider.CsvSource({
                "EGFR, 200, true", "EGFR, 200.5, false", "EGFR, 1e300, false",
                "POTASSIUM, 15, true", "POTASSIUM, 55, false",
                "SYSTOLIC_BP, 350, true", "SYSTOLIC_BP, 1520, false",
                "HBA1C, 7.5, true", "HBA1C, 250, true", "HBA1C, 480, false",
                "LITHIUM_LEVEL, 0.8, true", "LITHIUM_LEVEL, 10.1, false"})
        void boundsEachMeasurementAtItsPlausibleMaximum(ObservationKind kind, double value, boolean accepted) {
            RecordObservation command = new RecordObservation(PATIENT, kind, TODAY, value, null);
            if (accepted) {
                accepted(History.registered(), command,
                         new ObservationRecorded(PATIENT, kind, TODAY, value, RegimenValidation.defaultUnit(kind)),
                         new Recorded(1, null));
            } else {
                rejected(History.registered(), command, "INVALID_VALUE", "value");
            }
        }

        @Test
        void rejectsANegativeValue() {
            rejected(History.registered(), new RecordObservation(PATIENT, ObservationKind.EGFR, TODAY, -12.5, null),
                     "INVALID_VALUE", "value");
        }

        @Test
        void rejectsAFutureDate() {
            rejected(History.registered(),
                     new RecordObservation(PATIENT, ObservationKind.EGFR, TOMORROW, 48.0, null),
                     "INVALID_DATE", "observedOn");
        }

        @Test
        void rejectsADateBeforeBirth() {
            rejected(History.registered(),
                     new RecordObservation(PATIENT, ObservationKind.EGFR, date("1949-12-31"), 48.0, null),
                     "INVALID_DATE", "observedOn");
        }
    }

    // ================================================================== startMedicine

    @Nested
    class StartMedicineCommand {

        @Test
        void opensLineL1() {
            accepted(History.registered(),
                     new StartMedicine(PATIENT, OMEPRAZOLE_20, 1, 1, STARTED, "GORD", "Dr Okafor"),
                     new MedicineStarted(PATIENT, "L1", OMEPRAZOLE_20, 1, 1, STARTED, "GORD", "Dr Okafor"),
                     new Recorded(1, "L1"));
        }

        @Test
        void opensLineL2NextToAnExistingLine() {
            accepted(History.withOmeprazole(),
                     new StartMedicine(PATIENT, LANSOPRAZOLE_30, 1, 2, TODAY, null, null),
                     new MedicineStarted(PATIENT, "L2", LANSOPRAZOLE_30, 1, 2, TODAY, null, null),
                     new Recorded(2, "L2"));
        }

        @Test
        void countsTheLineASwitchOpened() {
            // L1 was switched to L2, so the next line is L3 even though only one line is active.
            History history = History.withOmeprazole().switched("L1", OMEPRAZOLE_20, "L2", ESOMEPRAZOLE_20, TODAY);
            accepted(history,
                     new StartMedicine(PATIENT, LANSOPRAZOLE_30, 1, 1, TODAY, null, null),
                     new MedicineStarted(PATIENT, "L3", LANSOPRAZOLE_30, 1, 1, TODAY, null, null),
                     new Recorded(3, "L3"));
        }

        @Test
        void storesTheCatalogueCodeWithoutSurroundingSpaces() {
            accepted(History.registered(),
                     new StartMedicine(PATIENT, "  " + OMEPRAZOLE_20 + " ", 0.5, 2, STARTED, null, null),
                     new MedicineStarted(PATIENT, "L1", OMEPRAZOLE_20, 0.5, 2, STARTED, null, null),
                     new Recorded(1, "L1"));
        }

        @Test
        void rejectsAnUnknownMedicineCode() {
            rejected(History.registered(), start(UNKNOWN_CODE, 1, 1, STARTED), "UNKNOWN_MEDICINE", "medicineCode");
        }

        @Test
        void rejectsZeroUnitsPerDose() {
            rejected(History.registered(), start(OMEPRAZOLE_20, 0, 1, STARTED), "INVALID_QUANTITY", "unitsPerDose");
        }

        @Test
        void rejectsNegativeDosesPerDay() {
            rejected(History.registered(), start(OMEPRAZOLE_20, 1, -1, STARTED), "INVALID_QUANTITY", "dosesPerDay");
        }

        @Test
        void rejectsAFutureStart() {
            rejected(History.registered(), start(OMEPRAZOLE_20, 1, 1, TOMORROW), "INVALID_DATE", "startedOn");
        }

        @Test
        void rejectsAStartBeforeBirth() {
            rejected(History.registered(), start(OMEPRAZOLE_20, 1, 1, BORN.minusDays(1)), "INVALID_DATE",
                     "startedOn");
        }
    }

    // ================================================================== recordDispensing

    @Nested
    class RecordDispensingCommand {

        @Test
        void recordsADispensing() {
            accepted(History.withOmeprazole(), dispense("L1", 28, date("2026-03-02")),
                     new MedicineDispensed(PATIENT, "L1", 28, date("2026-03-02")),
                     new Recorded(2, "L1"));
        }

        @Test
        void acceptsADispensingOnTheStartDate() {
            accepted(History.withOmeprazole().dispensed("L1", 28, STARTED), dispense("L1", 2.5, STARTED),
                     new MedicineDispensed(PATIENT, "L1", 2.5, STARTED),
                     new Recorded(3, "L1"));
        }

        @Test
        void rejectsZeroQuantity() {
            rejected(History.withOmeprazole(), dispense("L1", 0, TODAY), "INVALID_QUANTITY", "quantity");
        }

        @Test
        void rejectsADispensingBeforeTheLineStarted() {
            rejected(History.withOmeprazole(), dispense("L1", 28, STARTED.minusDays(1)), "INVALID_DATE",
                     "dispensedOn");
        }

        @Test
        void rejectsADispensingInTheFuture() {
            rejected(History.withOmeprazole(), dispense("L1", 28, TOMORROW), "INVALID_DATE", "dispensedOn");
        }

        @Test
        void rejectsAnUnknownLine() {
            rejected(History.withOmeprazole(), dispense("L9", 28, TODAY), "LINE_NOT_FOUND", "lineId");
        }

        @Test
        void rejectsADeprescribedLine() {
            rejected(History.withOmeprazole().deprescribed("L1", OMEPRAZOLE_20, date("2026-05-01")),
                     dispense("L1", 28, TODAY), "LINE_NOT_ACTIVE", "lineId");
        }
    }

    // ================================================================== changeDose

    @Nested
    class ChangeDoseCommand {

        @Test
        void recordsTheNewDoseWithThePreviousOne() {
            accepted(History.withOmeprazole(), changeDose("L1", 2, 1, date("2026-04-01")),
                     new DoseChanged(PATIENT, "L1", 2, 1, date("2026-04-01"), "titration", 1, 1),
                     new Recorded(2, "L1"));
        }

        @Test
        void thePreviousDoseIsTheLatestChange() {
            History history = History.withOmeprazole().doseChanged("L1", 2, 1, date("2026-04-01"), 1, 1);
            accepted(history, changeDose("L1", 1, 2, date("2026-05-01")),
                     new DoseChanged(PATIENT, "L1", 1, 2, date("2026-05-01"), "titration", 2, 1),
                     new Recorded(3, "L1"));
        }

        @Test
        void acceptsAChangeOnTheDateOfTheLatestChange() {
            History history = History.withOmeprazole().doseChanged("L1", 2, 1, date("2026-04-01"), 1, 1);
            accepted(history, changeDose("L1", 1, 1, date("2026-04-01")),
                     new DoseChanged(PATIENT, "L1", 1, 1, date("2026-04-01"), "titration", 2, 1),
                     new Recorded(3, "L1"));
        }

        @Test
        void rejectsTheSameDose() {
            rejected(History.withOmeprazole(), changeDose("L1", 1, 1, date("2026-04-01")), "DOSE_UNCHANGED",
                     "unitsPerDose");
        }

        @Test
        void rejectsADateBeforeTheLatestDoseChange() {
            History history = History.withOmeprazole().doseChanged("L1", 2, 1, date("2026-04-01"), 1, 1);
            rejected(history, changeDose("L1", 1, 2, date("2026-03-31")), "INVALID_DATE", "changedOn");
        }

        @Test
        void rejectsADateBeforeTheLineStarted() {
            rejected(History.withOmeprazole(), changeDose("L1", 2, 1, STARTED.minusDays(1)), "INVALID_DATE",
                     "changedOn");
        }

        @Test
        void rejectsZeroDosesPerDay() {
            rejected(History.withOmeprazole(), changeDose("L1", 1, 0, TODAY), "INVALID_QUANTITY", "dosesPerDay");
        }

        @Test
        void rejectsAnEndedLine() {
            rejected(History.withOmeprazole().deprescribed("L1", OMEPRAZOLE_20, date("2026-05-01")),
                     changeDose("L1", 2, 1, TODAY), "LINE_NOT_ACTIVE", "lineId");
        }
    }

    // ================================================================== switchMedicine

    @Nested
    class SwitchMedicineCommand {

        /** L1 is esomeprazole 20 mg, whose formulary alternative is omeprazole 20 mg. */
        private History onEsomeprazole() {
            return History.registered().started("L1", ESOMEPRAZOLE_20, 1, 1, STARTED);
        }

        @Test
        void endsTheLineAndOpensANewOne() {
            accepted(onEsomeprazole(),
                     new SwitchMedicine(PATIENT, "L1", OMEPRAZOLE_20, 1, 2, date("2026-05-10"),
                                        SwitchReason.FORMULARY, 14.0),
                     new MedicineSwitched(PATIENT, "L1", ESOMEPRAZOLE_20, "L2", OMEPRAZOLE_20, 1, 2,
                                          date("2026-05-10"), SwitchReason.FORMULARY, 14.0),
                     new Recorded(2, "L2"));
        }

        private History switchedOnMay10() {
            return onEsomeprazole().switched("L1", ESOMEPRAZOLE_20, "L2", OMEPRAZOLE_20, date("2026-05-10"));
        }

        @Test
        void theNewLineTakesDispensingsFromTheSwitchDate() {
            accepted(switchedOnMay10(), dispense("L2", 28, date("2026-05-10")),
                     new MedicineDispensed(PATIENT, "L2", 28, date("2026-05-10")),
                     new Recorded(3, "L2"));
        }

        @Test
        void rejectsADispensingOnTheSwitchedLine() {
            rejected(switchedOnMay10(), dispense("L1", 28, date("2026-05-10")), "LINE_NOT_ACTIVE", "lineId");
        }

        @Test
        void rejectsADispensingOnTheNewLineBeforeTheSwitch() {
            rejected(switchedOnMay10(), dispense("L2", 28, date("2026-05-09")), "INVALID_DATE", "dispensedOn");
        }

        @Test
        void rejectsTheSameProduct() {
            rejected(onEsomeprazole(), switchTo("L1", ESOMEPRAZOLE_20, TODAY, null), "SAME_MEDICINE",
                     "toMedicineCode");
        }

        @Test
        void rejectsAnUnknownProduct() {
            rejected(onEsomeprazole(), switchTo("L1", UNKNOWN_CODE, TODAY, null), "UNKNOWN_MEDICINE",
                     "toMedicineCode");
        }

        @Test
        void rejectsANegativeUnusedQuantity() {
            rejected(onEsomeprazole(), switchTo("L1", OMEPRAZOLE_20, TODAY, -1.0), "INVALID_QUANTITY",
                     "unusedQuantity");
        }

        @Test
        void rejectsADateBeforeTheLineStarted() {
            rejected(onEsomeprazole(), switchTo("L1", OMEPRAZOLE_20, STARTED.minusDays(1), null), "INVALID_DATE",
                     "switchedOn");
        }

        @Test
        void rejectsAnAlreadySwitchedLine() {
            rejected(switchedOnMay10(), switchTo("L1", LANSOPRAZOLE_30, TODAY, null), "LINE_NOT_ACTIVE", "lineId");
        }
    }

    // ================================================================== deprescribeMedicine

    @Nested
    class DeprescribeMedicineCommand {

        @Test
        void endsTheLine() {
            accepted(History.withOmeprazole(),
                     new DeprescribeMedicine(PATIENT, "L1", date("2026-06-01"), DeprescribeReason.HIGH_RISK, 12.0,
                                             "halve for 2 weeks then stop"),
                     new MedicineDeprescribed(PATIENT, "L1", OMEPRAZOLE_20, date("2026-06-01"),
                                              DeprescribeReason.HIGH_RISK, 12.0, "halve for 2 weeks then stop"),
                     new Recorded(2, "L1"));
        }

        @Test
        void acceptsAStopOnTheStartDate() {
            accepted(History.withOmeprazole(), deprescribe("L1", STARTED, null),
                     new MedicineDeprescribed(PATIENT, "L1", OMEPRAZOLE_20, STARTED,
                                              DeprescribeReason.NO_LONGER_INDICATED, null, null),
                     new Recorded(2, "L1"));
        }

        @Test
        void rejectsDeprescribingTwice() {
            rejected(History.withOmeprazole().deprescribed("L1", OMEPRAZOLE_20, date("2026-06-01")),
                     deprescribe("L1", TODAY, null), "LINE_NOT_ACTIVE", "lineId");
        }

        @Test
        void rejectsAStopBeforeTheLineStarted() {
            rejected(History.withOmeprazole(), deprescribe("L1", STARTED.minusDays(1), null), "INVALID_DATE",
                     "stoppedOn");
        }

        @Test
        void rejectsAStopInTheFuture() {
            rejected(History.withOmeprazole(), deprescribe("L1", TOMORROW, null), "INVALID_DATE", "stoppedOn");
        }

        @Test
        void rejectsANegativeUnusedQuantity() {
            rejected(History.withOmeprazole(), deprescribe("L1", TODAY, -0.5), "INVALID_QUANTITY",
                     "unusedQuantity");
        }

        @Test
        void rejectsAnUnknownLine() {
            rejected(History.withOmeprazole(), deprescribe("L2", TODAY, null), "LINE_NOT_FOUND", "lineId");
        }
    }

    // ================================================================== recordAdherenceCheck

    @Nested
    class RecordAdherenceCheckCommand {

        private final LocalDate from = date("2026-03-01");
        private final LocalDate to = date("2026-04-30"); // 31 + 30 = 61 days
        private final LocalDate checkedOn = date("2026-05-02");

        /** L1 at 1 a day, 28 dispensed on 03-01 (covers 03-01..03-28) and 28 on 03-29 (03-29..04-25). */
        private History twoMonthlySupplies() {
            return History.withOmeprazole()
                    .dispensed("L1", 28, date("2026-03-01"))
                    .dispensed("L1", 28, date("2026-03-29"));
        }

        @Test
        void refillRecordComputesTheProportionOfDaysCovered() {
            // 28 + 28 = 56 of the 61 days covered: 56/61 = 0.918 -> adherent
            double adherence = 56.0 / 61;
            accepted(twoMonthlySupplies(), check(AdherenceMethod.REFILL_RECORD, from, to, checkedOn, null, null),
                     new AdherenceChecked(PATIENT, "L1", checkedOn, AdherenceMethod.REFILL_RECORD, from, to, null,
                                          null, adherence, true, Adherence.ADHERENT_THRESHOLD),
                     new Recorded(4, "L1"));
        }

        @Test
        void pillCountComputesUnitsTakenOverUnitsExpected() {
            // (56 dispensed in the period - 10 remaining) / (1 a day x 61 days) = 46/61 = 0.754 -> not adherent
            double adherence = 46.0 / 61;
            accepted(twoMonthlySupplies(), check(AdherenceMethod.PILL_COUNT, from, to, checkedOn, 10.0, null),
                     new AdherenceChecked(PATIENT, "L1", checkedOn, AdherenceMethod.PILL_COUNT, from, to, 10.0, null,
                                          adherence, false, Adherence.ADHERENT_THRESHOLD),
                     new Recorded(4, "L1"));
        }

        @Test
        void selfReportUsesTheDosesPerDayInForceOnTheCheckDate() {
            // dose changed to 1 x 2 a day on 04-01; 2 missed a week of 14 due: 1 - 2/14 = 0.857 -> adherent
            History history = twoMonthlySupplies().doseChanged("L1", 1, 2, date("2026-04-01"), 1, 1);
            double adherence = 1 - 2.0 / 14;
            accepted(history, check(AdherenceMethod.SELF_REPORT, from, to, checkedOn, null, 2.0),
                     new AdherenceChecked(PATIENT, "L1", checkedOn, AdherenceMethod.SELF_REPORT, from, to, null, 2.0,
                                          adherence, true, Adherence.ADHERENT_THRESHOLD),
                     new Recorded(5, "L1"));
        }

        @Test
        void selfReportAtThresholdIsAdherent() {
            // 1 a day, 1.4 missed a week of 7 due: 1 - 1.4/7 = 0.8 -> adherent (>= 0.80)
            accepted(twoMonthlySupplies(), check(AdherenceMethod.SELF_REPORT, from, to, to, null, 1.4),
                     new AdherenceChecked(PATIENT, "L1", to, AdherenceMethod.SELF_REPORT, from, to, null, 1.4,
                                          1 - 1.4 / 7, true, Adherence.ADHERENT_THRESHOLD),
                     new Recorded(4, "L1"));
        }

        @Test
        void refillRecordCountsEachDispensingAtTheDoseInForceOnItsDate() {
            // 03-01 x15 at 1 a day covers 03-01..03-15; dose 1 x 2 from 03-16; 03-16 x30 at 2 a day covers
            // 03-16..03-30 (15 days); period March (31 days): 30/31 = 0.968 -> adherent
            History history = History.withOmeprazole()
                    .dispensed("L1", 15, date("2026-03-01"))
                    .doseChanged("L1", 1, 2, date("2026-03-16"), 1, 1)
                    .dispensed("L1", 30, date("2026-03-16"));
            LocalDate march31 = date("2026-03-31");
            accepted(history, check(AdherenceMethod.REFILL_RECORD, from, march31, checkedOn, null, null),
                     new AdherenceChecked(PATIENT, "L1", checkedOn, AdherenceMethod.REFILL_RECORD, from, march31,
                                          null, null, 30.0 / 31, true, Adherence.ADHERENT_THRESHOLD),
                     new Recorded(5, "L1"));
        }

        @Test
        void refillRecordWithoutDispensingsIsZero() {
            accepted(History.withOmeprazole(), check(AdherenceMethod.REFILL_RECORD, from, to, checkedOn, null, null),
                     new AdherenceChecked(PATIENT, "L1", checkedOn, AdherenceMethod.REFILL_RECORD, from, to, null,
                                          null, 0.0, false, Adherence.ADHERENT_THRESHOLD),
                     new Recorded(2, "L1"));
        }

        @Test
        void rejectsASelfReportWithNegativeDosesMissed() {
            rejected(twoMonthlySupplies(), check(AdherenceMethod.SELF_REPORT, from, to, checkedOn, null, -1.0),
                     "INVALID_QUANTITY", "dosesMissedPerWeek");
        }

        @Test
        void rejectsAPeriodEndingInTheFuture() {
            rejected(twoMonthlySupplies(), check(AdherenceMethod.REFILL_RECORD, from, TOMORROW, TOMORROW, null, null),
                     "INVALID_DATE", "periodEnd");
        }

        @Test
        void rejectsAPillCountWithoutUnitsRemaining() {
            rejected(twoMonthlySupplies(), check(AdherenceMethod.PILL_COUNT, from, to, checkedOn, null, null),
                     "MISSING_FIELD", "unitsRemaining");
        }

        @Test
        void rejectsAPillCountWithNegativeUnitsRemaining() {
            rejected(twoMonthlySupplies(), check(AdherenceMethod.PILL_COUNT, from, to, checkedOn, -1.0, null),
                     "INVALID_QUANTITY", "unitsRemaining");
        }

        @Test
        void rejectsASelfReportWithoutDosesMissed() {
            rejected(twoMonthlySupplies(), check(AdherenceMethod.SELF_REPORT, from, to, checkedOn, null, null),
                     "MISSING_FIELD", "dosesMissedPerWeek");
        }

        @Test
        void rejectsAPeriodEndingBeforeItStarts() {
            rejected(twoMonthlySupplies(),
                     check(AdherenceMethod.REFILL_RECORD, date("2026-04-30"), date("2026-03-31"), checkedOn, null,
                           null),
                     "INVALID_DATE", "periodEnd");
        }

        @Test
        void rejectsACheckBeforeThePeriodEnds() {
            rejected(twoMonthlySupplies(),
                     check(AdherenceMethod.REFILL_RECORD, from, to, date("2026-04-29"), null, null),
                     "INVALID_DATE", "checkedOn");
        }

        @Test
        void rejectsAPeriodStartingBeforeTheLine() {
            rejected(twoMonthlySupplies(),
                     check(AdherenceMethod.REFILL_RECORD, STARTED.minusDays(1), to, checkedOn, null, null),
                     "INVALID_DATE", "periodStart");
        }

        @Test
        void rejectsACheckOfAnEndedLine() {
            rejected(twoMonthlySupplies().deprescribed("L1", OMEPRAZOLE_20, date("2026-05-01")),
                     check(AdherenceMethod.REFILL_RECORD, from, to, checkedOn, null, null),
                     "LINE_NOT_ACTIVE", "lineId");
        }
    }

    // ================================================================== completeMedicationReview

    @Nested
    class CompleteMedicationReviewCommand {

        @Test
        void defaultsToAStructuredReviewAndTrimsTheReviewer() {
            accepted(History.registered(),
                     new CompleteMedicationReview(PATIENT, date("2026-06-10"), "  Dr A Okafor ", null,
                                                  "PPI reviewed"),
                     new MedicationReviewCompleted(PATIENT, date("2026-06-10"), "Dr A Okafor", ReviewKind.STRUCTURED,
                                                   "PPI reviewed"),
                     new Recorded(1, null));
        }

        @Test
        void keepsAGivenKind() {
            accepted(History.withOmeprazole(),
                     new CompleteMedicationReview(PATIENT, TODAY, "Pharmacist J Lee", ReviewKind.CLINICAL, null),
                     new MedicationReviewCompleted(PATIENT, TODAY, "Pharmacist J Lee", ReviewKind.CLINICAL, null),
                     new Recorded(2, null));
        }

        @Test
        void rejectsABlankReviewer() {
            rejected(History.registered(), new CompleteMedicationReview(PATIENT, TODAY, "   ", null, null),
                     "MISSING_FIELD", "reviewer");
        }

        @Test
        void rejectsAMissingReviewer() {
            rejected(History.registered(), new CompleteMedicationReview(PATIENT, TODAY, null, null, null),
                     "MISSING_FIELD", "reviewer");
        }

        @Test
        void rejectsAFutureDate() {
            rejected(History.registered(), new CompleteMedicationReview(PATIENT, TOMORROW, "Dr A Okafor", null, null),
                     "INVALID_DATE", "reviewedOn");
        }

        @Test
        void rejectsNotesWithControlCharacters() {
            rejected(History.registered(),
                     new CompleteMedicationReview(PATIENT, TODAY, "Dr A Okafor", null, "ok\u0000"),
                     "INVALID_TEXT", "notes");
        }
    }
}
