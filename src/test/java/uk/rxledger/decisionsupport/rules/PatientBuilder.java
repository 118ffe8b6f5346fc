package uk.rxledger.decisionsupport.rules;

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
import uk.rxledger.regimen.PatientView.ReviewView;
import uk.rxledger.regimen.ReviewKind;

import java.time.LocalDate;

/**
 * Fluent test helper that builds {@link PatientView}s relative to {@link #TODAY}, e.g.
 * {@code patient().age(70).onMedicine("L1", NAPROXEN).withCondition(ASTHMA).observed(EGFR, 44, daysAgo(10))}.
 * Line settings ({@code startedDaysAgo}, {@code dose}, {@code deprescribed}, ...) apply to the last line added.
 */
final class PatientBuilder {

    static final LocalDate TODAY = LocalDate.parse("2026-11-23");

    // Real products from catalogue/medicines.csv, one or two per class the rules use.
    static final String NAPROXEN_500 = "1001010P0AAAEAE";
    static final String IBUPROFEN_400 = "1001010J0AAAEAE";
    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";
    static final String OMEPRAZOLE_40 = "0103050P0AAAEAE";
    static final String LANSOPRAZOLE_30 = "0103050L0AAAAAA";
    static final String ESOMEPRAZOLE_20 = "0103050E0AAAAAA";
    static final String FAMOTIDINE_20 = "0103010H0AAAAAA";
    static final String ASPIRIN_75 = "0209000A0AAABAB";
    static final String ASPIRIN_75_GR = "0209000A0AAAKAK";
    static final String CLOPIDOGREL_75 = "0209000C0AAAAAA";
    static final String WARFARIN_3 = "0208020V0AAABAB";
    static final String WARFARIN_1 = "0208020V0AAAAAA";
    static final String APIXABAN_5 = "0208020Z0AAABAB";
    static final String RAMIPRIL_5 = "0205051R0AAACAC";
    static final String LOSARTAN_50 = "0205052N0AAABAB";
    static final String FUROSEMIDE_40 = "0202020L0AABDBD";
    static final String BISOPROLOL_5 = "0204000H0AAAAAA";
    static final String PROPRANOLOL_40 = "0204000R0AAAJAJ";
    static final String VERAPAMIL_80 = "0206020T0AAADAD";
    static final String DILTIAZEM_60 = "0206020C0AAAAAA";
    static final String AMLODIPINE_5 = "0206020A0AAAAAA";
    static final String AMIODARONE_200 = "0203020D0AAABAB";
    static final String METHOTREXATE_2_5 = "1001030U0AAABAB";
    static final String LITHIUM_400 = "0402030K0AAAFAF";
    static final String METFORMIN_500 = "0601022B0AAABAB";
    static final String DIAZEPAM_5 = "0401020K0AAAIAI";
    static final String ZOPICLONE_7_5 = "0401010Z0AAAAAA";
    static final String CODEINE_30 = "0407020C0AAAEAE";
    static final String TRAMADOL_50 = "040702040AAAAAA";
    static final String SENNA_7_5 = "0106020M0AAACAC";
    static final String GABAPENTIN_300 = "0408010G0AAABAB";
    static final String AMITRIPTYLINE_10 = "0403010B0AAAGAG";
    static final String OXYBUTYNIN_5 = "0704020J0AAACAC";
    static final String ATENOLOL_50 = "0204000E0AAABAB";
    static final String ATORVASTATIN_20 = "0212000B0AAABAB";
    static final String PARACETAMOL_500 = "0407010H0AAAMAM";
    static final String LEVOTHYROXINE_50 = "0602010V0AABXBX";
    static final String ALLOPURINOL_100 = "1001040C0AAAAAA";
    static final String FINASTERIDE_5 = "0604020C0AAAAAA";
    static final String DOXAZOSIN_4 = "0205040D0AAACAC";
    static final String EZETIMIBE_10 = "0212000L0AAAAAA";
    static final String ALENDRONIC_ACID_70 = "0606020A0AAACAC";
    static final String COLECALCIFEROL = "0906040G0AAANAN";
    static final String SALBUTAMOL = "0301011R0AAAPAP";

    private final PatientView view = new PatientView();
    private LineView lastLine;

    private PatientBuilder() {
        view.id = "p1";
        view.practice = "A81001";
        view.birthDate = TODAY.minusYears(50);
        view.frailty = Frailty.NONE;
    }

    static PatientBuilder patient() {
        return new PatientBuilder();
    }

    static LocalDate daysAgo(int days) {
        return TODAY.minusDays(days);
    }

    /** Exactly {@code years} old today (born on this day {@code years} years ago). */
    PatientBuilder age(int years) {
        view.birthDate = TODAY.minusYears(years);
        return this;
    }

    PatientBuilder bornOn(LocalDate birthDate) {
        view.birthDate = birthDate;
        return this;
    }

    /** An active line started 30 days ago at one unit once a day. */
    PatientBuilder onMedicine(String lineId, String medicineCode) {
        LineView line = new LineView();
        line.id = lineId;
        line.medicineCode = medicineCode;
        line.status = LineStatus.ACTIVE;
        line.unitsPerDose = 1;
        line.dosesPerDay = 1;
        line.startedOn = daysAgo(30);
        view.lines.add(line);
        lastLine = line;
        syncFirstDose();
        return this;
    }

    PatientBuilder startedDaysAgo(int days) {
        lastLine.startedOn = daysAgo(days);
        syncFirstDose();
        return this;
    }

    PatientBuilder dose(double unitsPerDose, double dosesPerDay) {
        lastLine.unitsPerDose = unitsPerDose;
        lastLine.dosesPerDay = dosesPerDay;
        syncFirstDose();
        return this;
    }

    /** A dose change of the last line from {@code from}, as {@code changeDose} records it. */
    PatientBuilder doseChanged(LocalDate from, double unitsPerDose, double dosesPerDay) {
        DoseEntry change = new DoseEntry();
        change.from = from;
        change.unitsPerDose = unitsPerDose;
        change.dosesPerDay = dosesPerDay;
        lastLine.doses.add(change);
        lastLine.unitsPerDose = unitsPerDose;
        lastLine.dosesPerDay = dosesPerDay;
        return this;
    }

    PatientBuilder deprescribed(LocalDate on) {
        lastLine.status = LineStatus.DEPRESCRIBED;
        lastLine.endedOn = on;
        lastLine.endReason = "NO_LONGER_INDICATED";
        return this;
    }

    PatientBuilder switched(LocalDate on) {
        lastLine.status = LineStatus.SWITCHED;
        lastLine.endedOn = on;
        lastLine.endReason = "COST_EFFECTIVENESS";
        return this;
    }

    /** Recorded a year ago, not resolved. */
    PatientBuilder withCondition(Condition condition) {
        return withCondition(condition, daysAgo(365), null);
    }

    PatientBuilder withCondition(Condition condition, LocalDate recordedOn, LocalDate resolvedOn) {
        ConditionEntry entry = new ConditionEntry();
        entry.condition = condition;
        entry.recordedOn = recordedOn;
        entry.resolvedOn = resolvedOn;
        view.conditions.add(entry);
        return this;
    }

    PatientBuilder observed(ObservationKind kind, double value, LocalDate on) {
        ObservationEntry entry = observation(kind, on);
        entry.value = value;
        entry.unit = switch (kind) {
            case EGFR -> "mL/min/1.73m2";
            case LITHIUM_LEVEL, POTASSIUM -> "mmol/L";
            default -> null;
        };
        return this;
    }

    /** A test that was done (no value), e.g. a renal function test. */
    PatientBuilder observed(ObservationKind kind, LocalDate on) {
        observation(kind, on);
        return this;
    }

    PatientBuilder adherence(String lineId, double adherence, LocalDate checkedOn) {
        AdherenceCheckView check = new AdherenceCheckView();
        check.lineId = lineId;
        check.checkedOn = checkedOn;
        check.method = AdherenceMethod.REFILL_RECORD;
        check.periodStart = checkedOn.minusDays(90);
        check.periodEnd = checkedOn;
        check.adherence = adherence;
        check.adherent = adherence >= 0.80;
        view.adherenceChecks.add(check);
        return this;
    }

    PatientBuilder review(ReviewKind kind, LocalDate reviewedOn) {
        ReviewView review = new ReviewView();
        review.kind = kind;
        review.reviewedOn = reviewedOn;
        review.reviewer = "pharmacist-1";
        view.reviews.add(review);
        return this;
    }

    PatientBuilder careHomeResident() {
        view.careHomeResident = true;
        return this;
    }

    PatientBuilder frailty(Frailty frailty) {
        view.frailty = frailty;
        return this;
    }

    PatientView build() {
        return view;
    }

    private ObservationEntry observation(ObservationKind kind, LocalDate on) {
        ObservationEntry entry = new ObservationEntry();
        entry.kind = kind;
        entry.observedOn = on;
        view.observations.add(entry);
        return entry;
    }

    /** The projection keeps doses[0] equal to the line's starting dose; so does the builder. */
    private void syncFirstDose() {
        DoseEntry first;
        if (lastLine.doses.isEmpty()) {
            first = new DoseEntry();
            lastLine.doses.add(first);
        } else {
            first = lastLine.doses.get(0);
        }
        first.from = lastLine.startedOn;
        first.unitsPerDose = lastLine.unitsPerDose;
        first.dosesPerDay = lastLine.dosesPerDay;
    }

    @Override
    public String toString() {
        return "patient " + view.id;
    }
}
