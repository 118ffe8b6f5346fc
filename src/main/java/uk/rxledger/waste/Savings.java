package uk.rxledger.waste;

import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.regimen.LineStatus;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.PatientView.LineView;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The contract's annual savings of one patient: a switch saves (old daily units x old price - new daily units x new
 * price) x 365 (negative when the new regimen costs more); a deprescribing saves daily units x price x 365. Daily units
 * are those in force on the end date (the new line's starting dose for a switch); prices are today's catalogue prices.
 */
public final class Savings {

    private static final BigDecimal YEAR = BigDecimal.valueOf(Costs.DAYS_PER_YEAR);

    private Savings() {
    }

    /** Entries in date order (then line id). */
    public static List<SavingsEntry> of(PatientView patient, Catalogue catalogue) {
        List<SavingsEntry> entries = new ArrayList<>();
        for (LineView line : patient.lines) {
            if (line.status == LineStatus.ACTIVE || line.endedOn == null) {
                continue;
            }
            BigDecimal daily = Costs.dailyCost(line, line.endedOn, catalogue);
            SavingsKind kind = line.status == LineStatus.SWITCHED ? SavingsKind.SWITCH : SavingsKind.DEPRESCRIBE;
            if (kind == SavingsKind.SWITCH) {
                LineView next = patient.line(line.switchedToLineId).orElse(null);
                if (next != null) {
                    daily = daily.subtract(Costs.dailyCost(next, next.startedOn, catalogue));
                }
            }
            entries.add(new SavingsEntry(line.id, line.medicineCode, kind, line.endReason,
                                         Money.pence(daily.multiply(YEAR)), line.endedOn));
        }
        entries.sort(Comparator.comparing(SavingsEntry::occurredOn).thenComparing(SavingsEntry::lineId));
        return entries;
    }

    public static long totalPence(List<SavingsEntry> entries) {
        return entries.stream().mapToLong(SavingsEntry::annualSavingsPence).sum();
    }
}
