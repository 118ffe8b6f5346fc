package uk.rxledger.waste;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.LineStatus;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.PatientView.AdherenceCheckView;
import uk.rxledger.regimen.PatientView.LineView;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The contract's waste entries of one patient, derived from the patient's read model alone:
 * <ul>
 *   <li>a switched or deprescribed line wastes the {@code unusedQuantity} recorded with the change, else its supply on
 *   hand on the end date ({@link WasteCategory#SWITCHED_WITH_SUPPLY}, {@link WasteCategory#STOPPED_WITH_SUPPLY});</li>
 *   <li>a pill count that finds more units than the supply on hand on the check date records the excess
 *   ({@link WasteCategory#UNUSED_STOCKPILE}).</li>
 * </ul>
 * A line records no dispensing or dose change after it ends, so an ended line's entry never changes. A stockpile entry
 * uses every dispensing dated on or before the check, including ones recorded after it (business dates decide).
 * Entries are valued at today's catalogue price; zero-unit findings are not entries.
 */
public final class Waste {

    private Waste() {
    }

    /** Entries in date order (then line id). */
    public static List<WasteEntry> of(PatientView patient, Catalogue catalogue) {
        List<WasteEntry> entries = new ArrayList<>();
        for (LineView line : patient.lines) {
            if (line.status != LineStatus.ACTIVE && line.endedOn != null) {
                double units = line.unusedQuantity != null ? line.unusedQuantity : SupplyOnHand.of(line, line.endedOn);
                WasteCategory category = line.status == LineStatus.SWITCHED ? WasteCategory.SWITCHED_WITH_SUPPLY
                                                                            : WasteCategory.STOPPED_WITH_SUPPLY;
                add(entries, line, category, units, line.endedOn, catalogue);
            }
        }
        for (AdherenceCheckView check : patient.adherenceChecks) {
            if (check.method == AdherenceMethod.PILL_COUNT && check.unitsRemaining != null) {
                patient.line(check.lineId).ifPresent(line -> add(entries, line, WasteCategory.UNUSED_STOCKPILE,
                        check.unitsRemaining - SupplyOnHand.of(line, check.checkedOn), check.checkedOn, catalogue));
            }
        }
        entries.sort(Comparator.comparing(WasteEntry::occurredOn).thenComparing(WasteEntry::lineId)
                               .thenComparing(WasteEntry::category));
        return entries;
    }

    public static long totalPence(List<WasteEntry> entries) {
        return entries.stream().mapToLong(WasteEntry::wastePence).sum();
    }

    private static void add(List<WasteEntry> entries, LineView line, WasteCategory category, double units,
                            LocalDate on, Catalogue catalogue) {
        double rounded = SupplyOnHand.round(units);
        if (rounded > 0) {
            long pence = Money.pence(Money.cost(rounded, Costs.pricePerUnit(catalogue, line.medicineCode)));
            entries.add(new WasteEntry(line.id, line.medicineCode, category, rounded, pence, on));
        }
    }
}
