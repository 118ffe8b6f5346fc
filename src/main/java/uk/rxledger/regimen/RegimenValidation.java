package uk.rxledger.regimen;

import uk.rxledger.domain.Rejected;
import uk.rxledger.regimen.RegimenCommands.RecordObservation;
import uk.rxledger.regimen.RegimenCommands.RegisterPatient;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Locale;
import java.util.regex.Pattern;

/** Stateless input rules of the regimen commands, each rejection with the contract's code and the field at fault. */
final class RegimenValidation {

    /** Pseudonymous ids: letters, digits and . _ : - (no spaces, nothing a query language could interpret). */
    private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    /** ODS organisation codes are upper-case letters and digits (practices: letter + 5 digits; PCNs: U + 5). */
    private static final Pattern ODS_CODE = Pattern.compile("[A-Z0-9]{3,10}");
    private static final Pattern TEN_DIGITS = Pattern.compile("\\d{10}");
    private static final int MAX_TEXT = 2000;
    private static final int MAX_AGE_YEARS = 130;
    /**
     * Upper bounds of the quantities a command may carry. Far above any real prescription, they keep absurd values
     * (1e300 units) out of the event store, where day-by-day supply and waste calculations would never finish.
     */
    static final double MAX_UNITS_PER_DOSE = 1_000;
    static final double MAX_DOSES_PER_DAY = 100;
    static final double MAX_UNITS = 1_000_000;

    private RegimenValidation() {
    }

    static Rejected reject(String code, String field, String message) {
        return new Rejected(code, field, message);
    }

    static void registration(RegisterPatient command, LocalDate today) {
        if (command.patientId() == null || !PATIENT_ID.matcher(command.patientId()).matches()) {
            throw reject("INVALID_ID", "patientId",
                         "A patient id is 1-64 letters, digits or . _ : - and starts with a letter or digit");
        }
        if (isNhsNumber(command.patientId())) {
            throw reject("NHS_NUMBER_NOT_ALLOWED", "patientId",
                         "Use the caller's pseudonymous id, never an NHS number");
        }
        odsCode("practice", command.practice(), true);
        odsCode("pcn", command.pcn(), false);
        if (command.birthDate() == null) {
            throw reject("MISSING_FIELD", "birthDate", "The date of birth is required");
        }
        if (command.birthDate().isAfter(today)) {
            throw reject("INVALID_DATE", "birthDate", "The date of birth is in the future");
        }
        if (command.birthDate().isBefore(today.minusYears(MAX_AGE_YEARS))) {
            throw reject("INVALID_DATE", "birthDate", "The date of birth is more than " + MAX_AGE_YEARS + " years ago");
        }
        if (command.sex() == null) {
            throw reject("MISSING_FIELD", "sex", "Sex is required (UNKNOWN where not recorded)");
        }
    }

    private static void odsCode(String field, String value, boolean required) {
        if (value == null) {
            if (required) {
                throw reject("MISSING_FIELD", field, "The " + field + " ODS code is required");
            }
            return;
        }
        if (!ODS_CODE.matcher(value).matches()) {
            throw reject("INVALID_ODS_CODE", field, "An ODS code is 3-10 upper-case letters and digits");
        }
    }

    /**
     * A 10-digit id with a valid NHS number modulus-11 check digit is taken to be an NHS number, also when written
     * with the usual separators (943 476 5919, 943-476-5919).
     */
    static boolean isNhsNumber(String id) {
        id = id.replaceAll("[\\s.-]", "");
        if (!TEN_DIGITS.matcher(id).matches()) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (id.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - sum % 11;
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == id.charAt(9) - '0';
    }

    static void observation(RecordObservation command) {
        if (command.kind().numeric() && command.value() == null) {
            throw reject("MISSING_FIELD", "value", command.kind() + " is a measurement and needs a value");
        }
        if (command.value() != null && (command.value() <= 0 || !Double.isFinite(command.value()))) {
            throw reject("INVALID_VALUE", "value", "An observed value must be a positive number");
        }
        if (command.value() != null && command.kind().numeric() && command.value() > command.kind().maxPlausible()) {
            throw reject("INVALID_VALUE", "value", "A " + command.kind() + " of " + command.value()
                    + " is above the plausible maximum of " + command.kind().maxPlausible());
        }
        text("unit", command.unit());
    }

    static String defaultUnit(ObservationKind kind) {
        return switch (kind) {
            case EGFR -> "mL/min/1.73m2";
            case POTASSIUM, LITHIUM_LEVEL -> "mmol/L";
            case SYSTOLIC_BP -> "mmHg";
            case HBA1C -> "mmol/mol";
            default -> null;
        };
    }

    static void notInFuture(String field, LocalDate date, Clock clock) {
        if (date == null) {
            throw reject("MISSING_FIELD", field, field + " is required");
        }
        if (date.isAfter(LocalDate.now(clock))) {
            throw reject("INVALID_DATE", field, "The date " + date + " is in the future");
        }
    }

    static void requirePositive(String field, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw reject("INVALID_QUANTITY", field, field + " must be greater than zero");
        }
    }

    static void requireNonNegative(String field, Double value) {
        if (value != null && (value < 0 || !Double.isFinite(value))) {
            throw reject("INVALID_QUANTITY", field, field + " cannot be negative");
        }
    }

    /** Greater than zero, finite and at most {@code max}. */
    static void requirePositive(String field, double value, double max) {
        requirePositive(field, value);
        atMost(field, value, max);
    }

    /** Absent, or zero or more, finite and at most {@code max}. */
    static void requireNonNegative(String field, Double value, double max) {
        requireNonNegative(field, value);
        if (value != null) {
            atMost(field, value, max);
        }
    }

    /** A dose: units per dose in (0, 1,000] and doses per day in (0, 100]. */
    static void dose(double unitsPerDose, double dosesPerDay) {
        requirePositive("unitsPerDose", unitsPerDose, MAX_UNITS_PER_DOSE);
        requirePositive("dosesPerDay", dosesPerDay, MAX_DOSES_PER_DAY);
    }

    private static void atMost(String field, double value, double max) {
        if (value > max) {
            throw reject("INVALID_QUANTITY", field, field + " cannot be more than " + String.format(Locale.ROOT, "%,.0f", max));
        }
    }

    static Double required(String field, Double value) {
        if (value == null) {
            throw reject("MISSING_FIELD", field, field + " is required for this method");
        }
        return value;
    }

    static void requiredText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw reject("MISSING_FIELD", field, field + " is required");
        }
        text(field, value);
    }

    /** Free text: bounded, and no control characters other than line breaks and tabs. */
    static void text(String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_TEXT) {
            throw reject("INVALID_TEXT", field, field + " is longer than " + MAX_TEXT + " characters");
        }
        if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
            throw reject("INVALID_TEXT", field, field + " contains control characters");
        }
    }
}
