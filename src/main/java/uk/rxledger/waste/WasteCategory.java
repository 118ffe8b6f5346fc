package uk.rxledger.waste;

/** Why medicine was wasted. */
public enum WasteCategory {
    /** Supply on hand when the line was switched to another product. */
    SWITCHED_WITH_SUPPLY("Switched with supply on hand"),
    /** Supply on hand when the line was deprescribed. */
    STOPPED_WITH_SUPPLY("Stopped with supply on hand"),
    /** A pill count found more units than the supply on hand: a stockpile. */
    UNUSED_STOCKPILE("Unused stockpile found at a pill count");

    private final String label;

    WasteCategory(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
