package uk.rxledger.regimen;

import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.ContextValue;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.graphql.BadRequest;
import uk.rxledger.graphql.CommandDispatch;
import uk.rxledger.graphql.CommandDispatch.Outcome;
import uk.rxledger.graphql.Connection;
import uk.rxledger.graphql.MutationError;
import uk.rxledger.graphql.Pagination;
import uk.rxledger.graphql.RequestContext;
import uk.rxledger.regimen.PatientView.AdherenceCheckView;
import uk.rxledger.regimen.PatientView.LineView;
import uk.rxledger.regimen.PatientView.ObservationEntry;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.RegimenInputs.ChangeDoseInput;
import uk.rxledger.regimen.RegimenInputs.CompleteMedicationReviewInput;
import uk.rxledger.regimen.RegimenInputs.DeprescribeMedicineInput;
import uk.rxledger.regimen.RegimenInputs.RecordAdherenceCheckInput;
import uk.rxledger.regimen.RegimenInputs.RecordConditionInput;
import uk.rxledger.regimen.RegimenInputs.RecordDispensingInput;
import uk.rxledger.regimen.RegimenInputs.RecordObservationInput;
import uk.rxledger.regimen.RegimenInputs.RegisterPatientInput;
import uk.rxledger.regimen.RegimenInputs.StartMedicineInput;
import uk.rxledger.regimen.RegimenInputs.SwitchMedicineInput;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The prescribing and clinical-pharmacist operations: mutations send commands and answer from the patient's read
 * model once it includes the change (read-your-writes); queries read the model by key.
 */
@Controller
public class RegimenController {

    private static final CommandDispatch.Target PATIENT =
            new CommandDispatch.Target("patientId", "PATIENT_NOT_FOUND", "DUPLICATE_PATIENT", "patient");
    private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(10);
    private static final int MAX_OBSERVATIONS = 1000;

    private final CommandDispatch commands;
    private final PatientProjection patients;
    private final Catalogue catalogue;
    private final Clock clock;

    public RegimenController(CommandDispatch commands, PatientProjection patients, Catalogue catalogue, Clock clock) {
        this.commands = commands;
        this.patients = patients;
        this.catalogue = catalogue;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ payloads

    record PatientPayload(PatientView patient, List<MutationError> errors) {
    }

    record LinePayload(LineView line, PatientView patient, List<MutationError> errors) {
    }

    record SwitchPayload(LineView previousLine, LineView line, PatientView patient, List<MutationError> errors) {
    }

    record CheckPayload(AdherenceCheckView check, PatientView patient, List<MutationError> errors) {
    }

    record ReviewPayload(PatientView.ReviewView review, PatientView patient, List<MutationError> errors) {
    }

    // ------------------------------------------------------------------ mutations

    @MutationMapping
    public PatientPayload registerPatient(@Argument RegisterPatientInput input,
                                          @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Object> outcome = commands.send(input.toCommand(), request.metadata(null), PATIENT);
        if (outcome.rejected()) {
            return new PatientPayload(null, outcome.errors());
        }
        return new PatientPayload(viewAt(input.patientId(), 0), List.of());
    }

    @MutationMapping
    public PatientPayload recordCondition(@Argument RecordConditionInput input,
                                          @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Recorded> outcome = commands.send(
                new RegimenCommands.RecordCondition(input.patientId(), input.condition(), input.recordedOn(),
                                                    input.resolvedOn()), request.metadata(null), PATIENT);
        return outcome.rejected() ? new PatientPayload(null, outcome.errors())
                                  : new PatientPayload(viewAfter(input.patientId(), outcome), List.of());
    }

    @MutationMapping
    public PatientPayload recordObservation(@Argument RecordObservationInput input,
                                            @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Recorded> outcome = commands.send(
                new RegimenCommands.RecordObservation(input.patientId(), input.kind(), input.observedOn(),
                                                      input.value(), input.unit()), request.metadata(null), PATIENT);
        return outcome.rejected() ? new PatientPayload(null, outcome.errors())
                                  : new PatientPayload(viewAfter(input.patientId(), outcome), List.of());
    }

    @MutationMapping
    public LinePayload startMedicine(@Argument StartMedicineInput input,
                                     @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Recorded> outcome = commands.send(
                new RegimenCommands.StartMedicine(input.patientId(), input.medicineCode(), input.unitsPerDose(),
                                                  input.dosesPerDay(), input.startedOn(), input.indication(),
                                                  input.prescriber()),
                request.metadata(input.indication()), PATIENT);
        return linePayload(input.patientId(), outcome);
    }

    @MutationMapping
    public LinePayload recordDispensing(@Argument RecordDispensingInput input,
                                        @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Recorded> outcome = commands.send(
                new RegimenCommands.RecordDispensing(input.patientId(), input.lineId(), input.quantity(),
                                                     input.dispensedOn()), request.metadata(null), PATIENT);
        return linePayload(input.patientId(), outcome);
    }

    @MutationMapping
    public LinePayload changeDose(@Argument ChangeDoseInput input,
                                  @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Recorded> outcome = commands.send(
                new RegimenCommands.ChangeDose(input.patientId(), input.lineId(), input.unitsPerDose(),
                                               input.dosesPerDay(), input.changedOn(), input.reason()),
                request.metadata(input.reason()), PATIENT);
        return linePayload(input.patientId(), outcome);
    }

    @MutationMapping
    public SwitchPayload switchMedicine(@Argument SwitchMedicineInput input,
                                        @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Recorded> outcome = commands.send(
                new RegimenCommands.SwitchMedicine(input.patientId(), input.lineId(), input.toMedicineCode(),
                                                   input.unitsPerDose(), input.dosesPerDay(), input.switchedOn(),
                                                   input.reason(), input.unusedQuantity()),
                request.metadata(input.reason() == null ? null : input.reason().name()), PATIENT);
        if (outcome.rejected()) {
            return new SwitchPayload(null, null, null, outcome.errors());
        }
        PatientView view = viewAfter(input.patientId(), outcome);
        return new SwitchPayload(view.line(input.lineId()).orElse(null),
                                 view.line(outcome.result().lineId()).orElse(null), view, List.of());
    }

    @MutationMapping
    public LinePayload deprescribeMedicine(@Argument DeprescribeMedicineInput input,
                                           @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Recorded> outcome = commands.send(
                new RegimenCommands.DeprescribeMedicine(input.patientId(), input.lineId(), input.stoppedOn(),
                                                        input.reason(), input.unusedQuantity(), input.taperPlan()),
                request.metadata(input.reason() == null ? null : input.reason().name()), PATIENT);
        return linePayload(input.patientId(), outcome);
    }

    @MutationMapping
    public CheckPayload recordAdherenceCheck(@Argument RecordAdherenceCheckInput input,
                                             @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Recorded> outcome = commands.send(
                new RegimenCommands.RecordAdherenceCheck(input.patientId(), input.lineId(), input.checkedOn(),
                                                         input.method(), input.periodStart(), input.periodEnd(),
                                                         input.unitsRemaining(), input.dosesMissedPerWeek()),
                request.metadata(null), PATIENT);
        if (outcome.rejected()) {
            return new CheckPayload(null, null, outcome.errors());
        }
        PatientView view = viewAfter(input.patientId(), outcome);
        AdherenceCheckView check = view.adherenceChecks.isEmpty() ? null
                : view.adherenceChecks.get(view.adherenceChecks.size() - 1);
        return new CheckPayload(check, view, List.of());
    }

    @MutationMapping
    public ReviewPayload completeMedicationReview(@Argument CompleteMedicationReviewInput input,
                                                  @ContextValue(RequestContext.KEY) RequestContext request) {
        Outcome<Recorded> outcome = commands.send(
                new RegimenCommands.CompleteMedicationReview(input.patientId(), input.reviewedOn(), input.reviewer(),
                                                             input.kind(), input.notes()),
                request.metadata(null), PATIENT);
        if (outcome.rejected()) {
            return new ReviewPayload(null, null, outcome.errors());
        }
        PatientView view = viewAfter(input.patientId(), outcome);
        return new ReviewPayload(view.reviews.get(view.reviews.size() - 1), view, List.of());
    }

    private LinePayload linePayload(String patientId, Outcome<Recorded> outcome) {
        if (outcome.rejected()) {
            return new LinePayload(null, null, outcome.errors());
        }
        PatientView view = viewAfter(patientId, outcome);
        return new LinePayload(view.line(outcome.result().lineId()).orElse(null), view, List.of());
    }

    private PatientView viewAfter(String patientId, Outcome<Recorded> outcome) {
        return viewAt(patientId, outcome.result().sequence());
    }

    /** The patient's view once it includes the event at {@code sequence} (read-your-writes). */
    private PatientView viewAt(String patientId, long sequence) {
        patients.awaitSequence(patientId, sequence, READ_YOUR_WRITES);
        return patients.find(patientId).orElseThrow(
                () -> new IllegalStateException("The patient's read model was not built in time"));
    }

    // ------------------------------------------------------------------ queries

    @QueryMapping
    public PatientView patient(@Argument String id) {
        return patients.find(id).orElse(null);
    }

    @SchemaMapping(typeName = "Patient")
    public int age(PatientView patient) {
        return Period.between(patient.birthDate, LocalDate.now(clock)).getYears();
    }

    @SchemaMapping(typeName = "Patient")
    public List<ObservationEntry> observations(PatientView patient, @Argument Integer last) {
        if (last != null && (last < 0 || last > MAX_OBSERVATIONS)) {
            throw new BadRequest("last must be between 0 and " + MAX_OBSERVATIONS);
        }
        List<ObservationEntry> ordered = patient.observations.stream()
                .sorted(Comparator.comparing(o -> o.observedOn)).toList();
        return last == null ? ordered : ordered.subList(Math.max(0, ordered.size() - last), ordered.size());
    }

    @SchemaMapping(typeName = "Patient")
    public List<LineView> activeMedicines(PatientView patient) {
        return patient.activeLines();
    }

    @SchemaMapping(typeName = "Patient")
    public Connection<LineView> stoppedMedicines(PatientView patient, @Argument Integer first,
                                                 @Argument String after) {
        return Pagination.page(patient.stoppedLines(), first, after);
    }

    @SchemaMapping(typeName = "Patient")
    public Connection<AdherenceCheckView> adherenceChecks(PatientView patient, @Argument Integer first,
                                                          @Argument String after) {
        return Pagination.page(patient.checksLatestFirst(), first, after);
    }

    @SchemaMapping(typeName = "Patient")
    public int activeMedicineCount(PatientView patient) {
        return patient.activeLines().size();
    }

    @SchemaMapping(typeName = "Patient")
    public int acbTotal(PatientView patient) {
        return patient.acbTotal(catalogue);
    }

    @SchemaMapping(typeName = "Patient")
    public Double latestAdherence(PatientView patient) {
        return patient.latestAdherence();
    }

    @SchemaMapping(typeName = "Patient")
    public List<PatientView.ReviewView> reviews(PatientView patient) {
        return patient.reviews.stream().sorted(Comparator.comparing(r -> r.reviewedOn)).toList();
    }

    @SchemaMapping(typeName = "MedicineLine")
    public Medicine medicine(LineView line) {
        return product(line).orElseThrow(
                () -> new IllegalStateException("Catalogue no longer lists " + line.medicineCode));
    }

    @SchemaMapping(typeName = "MedicineLine")
    public double dailyUnits(LineView line) {
        return line.dailyUnits();
    }

    @SchemaMapping(typeName = "MedicineLine")
    public Double dailyDoseMg(LineView line) {
        return product(line).map(Medicine::strengthMg).map(mg -> mg * line.dailyUnits()).orElse(null);
    }

    private Optional<Medicine> product(LineView line) {
        return catalogue.find(line.medicineCode);
    }
}
