package uk.rxledger.waste;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.regimen.AdherenceChecked;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.DoseChanged;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.MedicineDeprescribed;
import uk.rxledger.regimen.MedicineDispensed;
import uk.rxledger.regimen.MedicineStarted;
import uk.rxledger.regimen.MedicineSwitched;
import uk.rxledger.regimen.PatientEvent;
import uk.rxledger.regimen.PatientEvents;
import uk.rxledger.regimen.PatientRegistered;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;

import java.io.StringReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Patient histories for formula tests, built from real events through {@link PatientEvents} (the one function from
 * events to a read model), and a small catalogue with prices chosen for hand arithmetic.
 */
public final class Histories {

    /** 2.5p a tablet. */
    public static final String CHEAP = "0103050P0AAAAAA";
    /** 10p a tablet, ACB 3. */
    public static final String DEAR = "0103050E0AAAAAA";
    /** Free (e.g. a product supplied at no cost). */
    public static final String FREE = "0103010H0AAAAAA";
    /** 0.35p a tablet, ACB 1: prices below a penny. */
    public static final String PENNY = "1001010P0AAAEAE";

    public static final Catalogue CATALOGUE = Catalogue.parse(new StringReader("""
            code,name,strength,strength_mg,form,unit,bnf_chemical_code,drug_class,acb_score,price_pence_per_unit,formulary_alternative
            0103050P0AAAAAA,Cheap 20 mg tablets,20 mg,20,tablet,tablet,0103050P0,PPI,0,2.5,
            0103050E0AAAAAA,Dear 20 mg tablets,20 mg,20,tablet,tablet,0103050E0,PPI,3,10,0103050P0AAAAAA
            0103010H0AAAAAA,Free 20 mg tablets,20 mg,20,tablet,tablet,0103010H0,H2_RECEPTOR_ANTAGONIST,0,0,
            1001010P0AAAEAE,Penny 500 mg tablets,500 mg,500,tablet,tablet,1001010P0,NSAID,1,0.35,
            """));

    private final String patientId;
    private final List<PatientEvent> events = new ArrayList<>();
    private int lines;

    private Histories(String patientId, String practice) {
        this.patientId = patientId;
        events.add(new PatientRegistered(patientId, practice, "U00001", LocalDate.of(1950, 1, 1), Sex.FEMALE, false,
                                         Frailty.NONE));
    }

    public static Histories patient() {
        return new Histories("p1", "A81001");
    }

    public static Histories patient(String id, String practice) {
        return new Histories(id, practice);
    }

    public static LocalDate d(String date) {
        return LocalDate.parse(date);
    }

    /** Starts line L{n}; returns its id. */
    public String start(String code, double unitsPerDose, double dosesPerDay, String on) {
        String lineId = "L" + (++lines);
        events.add(new MedicineStarted(patientId, lineId, code, unitsPerDose, dosesPerDay, d(on), null, null));
        return lineId;
    }

    public Histories dispense(String lineId, double quantity, String on) {
        events.add(new MedicineDispensed(patientId, lineId, quantity, d(on)));
        return this;
    }

    public Histories changeDose(String lineId, double unitsPerDose, double dosesPerDay, String on) {
        events.add(new DoseChanged(patientId, lineId, unitsPerDose, dosesPerDay, d(on), null, 0, 0));
        return this;
    }

    /** Switches a line; returns the new line's id. */
    public String switchTo(String lineId, String code, double unitsPerDose, double dosesPerDay, String on,
                           SwitchReason reason, Double unused) {
        String next = "L" + (++lines);
        events.add(new MedicineSwitched(patientId, lineId, null, next, code, unitsPerDose, dosesPerDay, d(on), reason,
                                        unused));
        return next;
    }

    public Histories deprescribe(String lineId, String on, DeprescribeReason reason, Double unused) {
        events.add(new MedicineDeprescribed(patientId, lineId, null, d(on), reason, unused, null));
        return this;
    }

    public Histories pillCount(String lineId, String on, double unitsRemaining) {
        events.add(new AdherenceChecked(patientId, lineId, d(on), AdherenceMethod.PILL_COUNT, d(on).minusDays(7),
                                        d(on), unitsRemaining, null, 1.0, true, 0.8));
        return this;
    }

    public Histories event(PatientEvent event) {
        events.add(event);
        return this;
    }

    public List<PatientEvent> events() {
        return List.copyOf(events);
    }

    public PatientView view() {
        return PatientEvents.replay(events);
    }
}
