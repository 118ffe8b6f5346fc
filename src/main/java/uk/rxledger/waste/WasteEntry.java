package uk.rxledger.waste;

import java.time.LocalDate;

/** Medicine wasted on one line on one date, valued at the catalogue price. */
public record WasteEntry(String lineId, String medicineCode, WasteCategory category, double units, long wastePence,
                         LocalDate occurredOn) {
}
