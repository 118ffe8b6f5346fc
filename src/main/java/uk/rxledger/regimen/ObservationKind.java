package uk.rxledger.regimen;

/** Observation kinds; the numeric ones carry a value and unit, the tests record that they were done. */
public enum ObservationKind {
    EGFR(true), POTASSIUM(true), SYSTOLIC_BP(true), HBA1C(true), FULL_BLOOD_COUNT(false),
    LIVER_FUNCTION_TEST(false), RENAL_FUNCTION_TEST(false), ELECTROLYTES_TEST(false), LITHIUM_LEVEL(true),
    THYROID_FUNCTION_TEST(false);

    private final boolean numeric;

    ObservationKind(boolean numeric) {
        this.numeric = numeric;
    }

    public boolean numeric() {
        return numeric;
    }
}
