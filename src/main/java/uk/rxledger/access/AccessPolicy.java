package uk.rxledger.access;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The one table of who may do what (ADR 0012): every top-level GraphQL field (Query, Mutation, Subscription) and
 * the NDJSON export path, each with a {@link Requirement}. A field not in the table is denied. Fields other
 * engineers add later are listed now by name so that they are protected the moment they appear in the schema.
 */
public final class AccessPolicy {

    /** What an operation needs; {@code logged} ones read or change a single patient's data (access log). */
    public enum Requirement {
        /** Any authenticated caller: reference data. */
        AUTHENTICATED(false),
        /** One patient's data: clinicians and pharmacists of the patient's practice, auditors. */
        PATIENT_READ(true),
        /** A change to one patient: clinicians and pharmacists of the patient's practice. */
        PATIENT_CHANGE(true),
        /** A new patient: clinicians and pharmacists of the practice in the input, and not someone else's id. */
        PATIENT_REGISTER(true),
        /** Who accessed a patient: auditors only. */
        ACCESS_LOG(true),
        /** A practice's patients (worklist, alert subscription): its clinicians and pharmacists, auditors. */
        PRACTICE_READ(false),
        /** Aggregates (summaries, metrics): governance and auditors; clinicians and pharmacists of the practice. */
        AGGREGATE(false),
        /** Aggregates across practices (measures): governance and auditors. */
        CROSS_PRACTICE(false),
        /** Operations on the system (re-evaluation, rebuilds): admins. */
        ADMIN(false),
        /** The status of an operation on the system: admins and auditors. */
        ADMIN_READ(false),
        /** Anything not in the table. */
        DENIED(false);

        private final boolean logged;

        Requirement(boolean logged) {
            this.logged = logged;
        }

        public boolean logged() {
            return logged;
        }
    }

    /** The NDJSON export, matched by path; its controller calls {@link #decide} with this name. */
    public static final String EXPORT_PATH = "GET /patients/{id}/history.ndjson";

    static final Map<String, Requirement> TABLE = Map.ofEntries(
            // reference data
            Map.entry("apiVersion", Requirement.AUTHENTICATED),
            Map.entry("medicines", Requirement.AUTHENTICATED),
            Map.entry("medicine", Requirement.AUTHENTICATED),
            Map.entry("decisionRules", Requirement.AUTHENTICATED),
            // one patient
            Map.entry("patient", Requirement.PATIENT_READ),
            Map.entry("regimenHistory", Requirement.PATIENT_READ),
            Map.entry("regimenAsOf", Requirement.PATIENT_READ),
            Map.entry("verifyAuditTrail", Requirement.PATIENT_READ),
            Map.entry(EXPORT_PATH, Requirement.PATIENT_READ),
            Map.entry("accessLog", Requirement.ACCESS_LOG),
            Map.entry("registerPatient", Requirement.PATIENT_REGISTER),
            Map.entry("recordCondition", Requirement.PATIENT_CHANGE),
            Map.entry("recordObservation", Requirement.PATIENT_CHANGE),
            Map.entry("startMedicine", Requirement.PATIENT_CHANGE),
            Map.entry("recordDispensing", Requirement.PATIENT_CHANGE),
            Map.entry("changeDose", Requirement.PATIENT_CHANGE),
            Map.entry("switchMedicine", Requirement.PATIENT_CHANGE),
            Map.entry("deprescribeMedicine", Requirement.PATIENT_CHANGE),
            Map.entry("recordAdherenceCheck", Requirement.PATIENT_CHANGE),
            Map.entry("completeMedicationReview", Requirement.PATIENT_CHANGE),
            Map.entry("respondToAlert", Requirement.PATIENT_CHANGE),
            // a practice
            Map.entry("practiceWorklist", Requirement.PRACTICE_READ),
            Map.entry("alertRaised", Requirement.PRACTICE_READ),
            // aggregates
            Map.entry("wasteSummary", Requirement.AGGREGATE),
            Map.entry("savingsSummary", Requirement.AGGREGATE),
            Map.entry("practiceMetrics", Requirement.AGGREGATE),
            Map.entry("measure", Requirement.CROSS_PRACTICE),
            // the system
            Map.entry("runDailyEvaluation", Requirement.ADMIN),
            Map.entry("rebuildReadModel", Requirement.ADMIN),
            Map.entry("readModels", Requirement.ADMIN_READ),
            Map.entry("readModelRebuild", Requirement.ADMIN_READ));

    /** The answer: the role that granted the operation, or why not. */
    public record Decision(Role grantedBy, Requirement requirement) {
        public boolean allowed() {
            return grantedBy != null;
        }
    }

    /**
     * What the operation targets, as far as the table needs it: the patient (for patient operations), the
     * practice named in the arguments (registration, worklist, subscription, aggregates; null when absent).
     */
    public record Target(String patientId, String practice) {
        public static final Target NONE = new Target(null, null);
    }

    private static final Set<Role> CARERS = EnumSet.of(Role.CLINICIAN, Role.PHARMACIST);

    private final Function<String, Optional<String>> practiceOfPatient;

    /** @param practiceOfPatient the registered patient's practice (from the patient read model), empty if unknown */
    public AccessPolicy(Function<String, Optional<String>> practiceOfPatient) {
        this.practiceOfPatient = practiceOfPatient;
    }

    public static Requirement requirement(String operation) {
        return operation.startsWith("__") ? Requirement.AUTHENTICATED
                                          : TABLE.getOrDefault(operation, Requirement.DENIED);
    }

    /**
     * Decides one operation. A refusal never depends on whether the patient exists: for a clinician an unknown
     * patient and another practice's patient are refused alike; only auditors may ask about unknown ids.
     */
    public Decision decide(String operation, Caller caller, Target target) {
        Requirement requirement = requirement(operation);
        for (Role role : Role.values()) {
            if (caller.roles().contains(role) && grants(role, requirement, caller, target)) {
                return new Decision(role, requirement);
            }
        }
        return new Decision(null, requirement);
    }

    private boolean grants(Role role, Requirement requirement, Caller caller, Target target) {
        boolean carer = CARERS.contains(role);
        switch (requirement) {
            case AUTHENTICATED:
                return true;
            case PATIENT_READ:
                return role == Role.AUDITOR || carer && caresFor(caller, target.patientId());
            case PATIENT_CHANGE:
                return carer && caresFor(caller, target.patientId());
            case PATIENT_REGISTER:
                // an id already registered elsewhere is refused like any other practice's patient
                return carer && caller.worksAt(target.practice())
                       && practiceOfPatient.apply(target.patientId()).map(caller::worksAt).orElse(true);
            case ACCESS_LOG:
                return role == Role.AUDITOR;
            case PRACTICE_READ:
                return role == Role.AUDITOR || carer && caller.worksAt(target.practice());
            case AGGREGATE:
                return role == Role.AUDITOR || role == Role.GOVERNANCE || carer && caller.worksAt(target.practice());
            case CROSS_PRACTICE:
                return role == Role.AUDITOR || role == Role.GOVERNANCE;
            case ADMIN:
                return role == Role.ADMIN;
            case ADMIN_READ:
                return role == Role.ADMIN || role == Role.AUDITOR;
            default:
                return false;
        }
    }

    private boolean caresFor(Caller caller, String patientId) {
        return patientId != null && practiceOfPatient.apply(patientId).map(caller::worksAt).orElse(false);
    }
}
