package uk.rxledger.waste;

import org.junit.jupiter.api.Test;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.SwitchReason;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static uk.rxledger.waste.Histories.CATALOGUE;
import static uk.rxledger.waste.Histories.CHEAP;
import static uk.rxledger.waste.Histories.DEAR;
import static uk.rxledger.waste.Histories.FREE;
import static uk.rxledger.waste.Histories.PENNY;
import static uk.rxledger.waste.Histories.d;

/** Waste at switches, deprescribings and pill counts, worked out by hand. */
class WasteTest {

    @Test
    void aSwitchWastesTheSupplyOnHandAtTheOldPrice() {
        Histories h = Histories.patient();
        String line = h.start(DEAR, 1, 2, "2026-01-01");
        h.dispense(line, 56, "2026-01-01");
        h.switchTo(line, CHEAP, 1, 1, "2026-01-11", SwitchReason.COST_EFFECTIVENESS, null);
        // 56 - 10 days x 2 = 36 tablets at 10p
        assertThat(Waste.of(h.view(), CATALOGUE)).containsExactly(
                new WasteEntry(line, DEAR, WasteCategory.SWITCHED_WITH_SUPPLY, 36, 360, d("2026-01-11")));
    }

    @Test
    void theUnusedQuantityGivenReplacesTheEstimate() {
        Histories h = Histories.patient();
        String line = h.start(DEAR, 1, 2, "2026-01-01");
        h.dispense(line, 56, "2026-01-01");
        h.deprescribe(line, "2026-01-11", DeprescribeReason.ADVERSE_EFFECT, 12.0);
        assertThat(Waste.of(h.view(), CATALOGUE)).containsExactly(
                new WasteEntry(line, DEAR, WasteCategory.STOPPED_WITH_SUPPLY, 12, 120, d("2026-01-11")));
    }

    @Test
    void noSupplyNoDispensingOrAZeroUnusedQuantityWastesNothing() {
        Histories h = Histories.patient();
        String never = h.start(CHEAP, 1, 1, "2026-01-01");
        String usedUp = h.start(CHEAP, 1, 1, "2026-01-01");
        String declaredNone = h.start(CHEAP, 1, 1, "2026-01-01");
        h.dispense(usedUp, 28, "2026-01-01").dispense(declaredNone, 28, "2026-01-01");
        h.deprescribe(never, "2026-01-10", DeprescribeReason.NO_LONGER_INDICATED, null);
        h.deprescribe(usedUp, "2026-02-10", DeprescribeReason.COURSE_COMPLETED, null);
        h.switchTo(declaredNone, DEAR, 1, 1, "2026-01-10", SwitchReason.EFFICACY, 0.0);
        assertThat(Waste.of(h.view(), CATALOGUE)).isEmpty();
    }

    @Test
    void aDoseChangeMidSupplyIsFollowedAndPenceAreRoundedOnce() {
        Histories h = Histories.patient();
        String line = h.start(PENNY, 1, 1, "2026-01-01");
        h.dispense(line, 100, "2026-01-01").dispense(line, 100, "2026-01-15");
        h.changeDose(line, 1, 3, "2026-01-21");
        h.deprescribe(line, "2026-01-31", DeprescribeReason.HIGH_RISK, null);
        // 200 - (20 days x 1 + 10 days x 3) = 150 tablets x 0.35p = 52.5p -> 53p (half away from zero)
        assertThat(Waste.of(h.view(), CATALOGUE)).containsExactly(
                new WasteEntry(line, PENNY, WasteCategory.STOPPED_WITH_SUPPLY, 150, 53, d("2026-01-31")));
    }

    @Test
    void aZeroPricedProductWastesUnitsButNoMoney() {
        Histories h = Histories.patient();
        String line = h.start(FREE, 1, 1, "2026-01-01");
        h.dispense(line, 30, "2026-01-01");
        h.deprescribe(line, "2026-01-11", DeprescribeReason.PATIENT_REQUEST, null);
        assertThat(Waste.of(h.view(), CATALOGUE)).containsExactly(
                new WasteEntry(line, FREE, WasteCategory.STOPPED_WITH_SUPPLY, 20, 0, d("2026-01-11")));
    }

    @Test
    void aPillCountFindingMoreThanTheSupplyOnHandRecordsTheExcessAsAStockpile() {
        Histories h = Histories.patient();
        String line = h.start(CHEAP, 1, 1, "2026-03-01");
        h.dispense(line, 28, "2026-03-01");
        h.pillCount(line, "2026-03-15", 20);   // supply 28 - 14 = 14: 6 stockpiled
        h.pillCount(line, "2026-03-20", 5);    // supply 9: fewer found, no waste
        h.dispense(line, 28, "2026-03-29");
        h.pillCount(line, "2026-04-05", 40.5); // supply 56 - 35 = 21: 19.5 stockpiled
        assertThat(Waste.of(h.view(), CATALOGUE)).containsExactly(
                new WasteEntry(line, CHEAP, WasteCategory.UNUSED_STOCKPILE, 6, 15, d("2026-03-15")),
                new WasteEntry(line, CHEAP, WasteCategory.UNUSED_STOCKPILE, 19.5, 49, d("2026-04-05")));
    }

    @Test
    void aDispensingRecordedAfterAPillCountButDatedBeforeItCounts() {
        Histories h = Histories.patient();
        String line = h.start(CHEAP, 1, 1, "2026-03-01");
        h.dispense(line, 28, "2026-03-01");
        h.pillCount(line, "2026-03-15", 20);
        assertThat(Waste.of(h.view(), CATALOGUE)).hasSize(1);
        h.dispense(line, 10, "2026-03-10"); // a late entry: supply on the 15th becomes 38 - 14 = 24, above 20
        assertThat(Waste.of(h.view(), CATALOGUE)).isEmpty();
    }

    @Test
    void entriesComeInDateOrderAndTotal() {
        Histories h = Histories.patient();
        String a = h.start(CHEAP, 1, 1, "2026-01-01");
        String b = h.start(DEAR, 1, 1, "2026-01-01");
        h.dispense(a, 28, "2026-01-01").dispense(b, 28, "2026-01-01");
        h.deprescribe(b, "2026-01-21", DeprescribeReason.DUPLICATE_THERAPY, null);  // 8 x 10p
        h.deprescribe(a, "2026-01-11", DeprescribeReason.DUPLICATE_THERAPY, null);  // 18 x 2.5p = 45p
        List<WasteEntry> entries = Waste.of(h.view(), CATALOGUE);
        assertThat(entries).extracting(WasteEntry::lineId).containsExactly(a, b);
        assertThat(Waste.totalPence(entries)).isEqualTo(45 + 80);
    }
}
