package uk.rxledger.governance;

import org.junit.jupiter.api.Test;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.regimen.AdherenceChecked;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.DoseChanged;
import uk.rxledger.regimen.MedicineDeprescribed;
import uk.rxledger.regimen.MedicineDispensed;
import uk.rxledger.regimen.MedicineStarted;
import uk.rxledger.regimen.MedicineSwitched;
import uk.rxledger.regimen.PatientEvent;
import uk.rxledger.regimen.SwitchReason;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract's waste and savings formulas, worked by hand on catalogue prices. */
class WasteAndSavingsTest {

    static final Catalogue CATALOGUE = Catalogue.loadDefault();
    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";   // 3.07 p
    static final String PANTOPRAZOLE_20 = "0103050R0AAABAB"; // 3.6 p
    static final String DIAZEPAM_2 = "0401020K0AAAHAH";      // 3 p
    static final String ATORVASTATIN_20 = "0212000B0AAABAB"; // 3.2 p
    static final LocalDate JAN_1 = LocalDate.of(2026, 1, 1);

    static List<PatientEvent> omeprazoleWithTwoSupplies() {
        return List.of(new MedicineStarted("p", "L1", OMEPRAZOLE_20, 1, 1, JAN_1, null, null),
                       new MedicineDispensed("p", "L1", 28, JAN_1),
                       new MedicineDispensed("p", "L1", 28, JAN_1.plusDays(28)));
    }

    @Test
    void aSwitchWastesTheSupplyOnHandAndCostsMoreAYearWhenTheNewProductIsDearer() {
        WasteAndSavings figures = new WasteAndSavings(CATALOGUE, omeprazoleWithTwoSupplies());
        LocalDate switchedOn = JAN_1.plusDays(40);
        MedicineSwitched switched = new MedicineSwitched("p", "L1", OMEPRAZOLE_20, "L2", PANTOPRAZOLE_20, 1, 1,
                                                         switchedOn, SwitchReason.FORMULARY, null);

        // 56 dispensed - 40 days taken (1 Jan .. 9 Feb) = 16 capsules, x 3.07 p = 49.12 p
        assertThat(figures.supplyOnHand("L1", switchedOn)).isEqualTo(16.0);
        assertThat(figures.waste(switched)).contains(new WasteAndSavings.Waste("SWITCHED_WITH_SUPPLY", 49));
        // (1 x 3.07 - 1 x 3.6) x 365 = -193.45
        assertThat(figures.saving(switched)).contains(new WasteAndSavings.Saving("SWITCH", -193));
    }

    @Test
    void anUnusedQuantityGivenOverridesTheSupplyOnHand() {
        WasteAndSavings figures = new WasteAndSavings(CATALOGUE, omeprazoleWithTwoSupplies());
        MedicineDeprescribed stopped = new MedicineDeprescribed("p", "L1", OMEPRAZOLE_20, JAN_1.plusDays(40),
                                                                DeprescribeReason.NO_LONGER_INDICATED, 5.0, null);

        assertThat(figures.waste(stopped)).contains(new WasteAndSavings.Waste("STOPPED_WITH_SUPPLY", 15)); // 15.35
        assertThat(figures.saving(stopped)).contains(new WasteAndSavings.Saving("DEPRESCRIBE", 1121)); // 1120.55
    }

    @Test
    void supplyFollowsDoseChangesAndNothingIsWastedWithoutSupply() {
        List<PatientEvent> history = List.of(
                new MedicineStarted("p", "L1", DIAZEPAM_2, 1, 3, JAN_1, null, null),
                new MedicineDispensed("p", "L1", 84, JAN_1),
                new DoseChanged("p", "L1", 1, 1, JAN_1.plusDays(10), null, 1, 3),
                new MedicineStarted("p", "L2", OMEPRAZOLE_20, 1, 1, JAN_1, null, null));
        WasteAndSavings figures = new WasteAndSavings(CATALOGUE, history);
        LocalDate stoppedOn = JAN_1.plusDays(20);

        // 84 - (10 days x 3 + 10 days x 1) = 44 tablets x 3 p; the saving is at the dose in force (1 a day)
        MedicineDeprescribed diazepam = new MedicineDeprescribed("p", "L1", DIAZEPAM_2, stoppedOn,
                                                                 DeprescribeReason.HIGH_RISK, null, null);
        assertThat(figures.waste(diazepam)).contains(new WasteAndSavings.Waste("STOPPED_WITH_SUPPLY", 132));
        assertThat(figures.saving(diazepam)).contains(new WasteAndSavings.Saving("DEPRESCRIBE", 1095));
        // never dispensed: no supply, no waste
        assertThat(figures.waste(new MedicineDeprescribed("p", "L2", OMEPRAZOLE_20, stoppedOn,
                                                          DeprescribeReason.HIGH_RISK, null, null))).isEmpty();
    }

    @Test
    void aPillCountFindingMoreThanTheSupplyOnHandRecordsTheExcessAsStockpile() {
        List<PatientEvent> history = List.of(new MedicineStarted("p", "L1", ATORVASTATIN_20, 1, 1, JAN_1, null, null),
                                             new MedicineDispensed("p", "L1", 28, JAN_1));
        WasteAndSavings figures = new WasteAndSavings(CATALOGUE, history);
        LocalDate checkedOn = JAN_1.plusDays(20);

        // on hand 28 - 20 = 8; 30 counted: 22 x 3.2 p = 70.4 p
        assertThat(figures.waste(check(checkedOn, 30.0))).contains(new WasteAndSavings.Waste("UNUSED_STOCKPILE", 70));
        assertThat(figures.waste(check(checkedOn, 8.0))).isEmpty();
        assertThat(figures.saving(check(checkedOn, 30.0))).isEmpty();
    }

    private static AdherenceChecked check(LocalDate on, double remaining) {
        return new AdherenceChecked("p", "L1", on, AdherenceMethod.PILL_COUNT, JAN_1, on, remaining, null, 0.5, false,
                                    0.8);
    }
}
