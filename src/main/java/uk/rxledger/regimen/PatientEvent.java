package uk.rxledger.regimen;

/** Every event of a patient's stream: policies that react to "any change to a patient" handle this type. */
public interface PatientEvent {
    String patientId();
}
