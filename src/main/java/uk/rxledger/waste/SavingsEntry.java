package uk.rxledger.waste;

import java.time.LocalDate;

/**
 * The yearly cost avoided by switching or stopping one line ({@code medicineCode} is the product stopped), negative
 * when the new regimen costs more.
 */
public record SavingsEntry(String lineId, String medicineCode, SavingsKind kind, String reason, long annualSavingsPence,
                           LocalDate occurredOn) {
}
