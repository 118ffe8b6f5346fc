package uk.rxledger.regimen;

/** Observation kinds; the numeric ones carry a value and unit, the tests record that they were done. */
public enum ObservationKind {
    // Upper bounds of a plausible result (a typing error otherwise): eGFR mL/min/1.73m2 (reported up to ~150),
    // potassium and lithium mmol/L (fatal far below), systolic BP mmHg, HbA1c mmol/mol (and so any value in %).
    EGFR(200), POTASSIUM(15), SYSTOLIC_BP(350), HBA1C(250), FULL_BLOOD_COUNT(0),
    LIVER_FUNCTION_TEST(0), RENAL_FUNCTION_TEST(0), ELECTROLYTES_TEST(0), LITHIUM_LEVEL(10),
    THYROID_FUNCTION_TEST(0);

    private final double maxPlausible;

    ObservationKind(double maxPlausible) {
        this.maxPlausible = maxPlausible;
    }

    /** A measurement with a value, rather than a test recorded as done. */
    public boolean numeric() {
        return maxPlausible > 0;
    }

    /** The highest value accepted for a numeric kind. */
    public double maxPlausible() {
        return maxPlausible;
    }
}
