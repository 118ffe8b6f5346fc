package uk.rxledger.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.rxledger.access.AccessPolicy.Requirement;
import uk.rxledger.access.AccessPolicy.Target;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The role table, field by field, for each kind of caller (ADR 0012). */
class AccessPolicyTest {

    static final Map<String, String> REGISTERED = Map.of("p-own", "A81001", "p-other", "B82002");
    static final AccessPolicy POLICY = new AccessPolicy(id -> Optional.ofNullable(REGISTERED.get(id)));

    static Caller caller(String role) {
        return Caller.of("u-" + role, List.of(role), role.equals("CLINICIAN") || role.equals("PHARMACIST")
                ? List.of("a81001 ") : List.of());
    }

    /** operation, target patient, target practice, then the granting role (or -) for each caller. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(nullValues = "~", value = {
            // op,                 patient,  practice, CLINICIAN,  PHARMACIST, AUDITOR, GOVERNANCE, ADMIN
            "medicines,            ~,        ~,        CLINICIAN,  PHARMACIST, AUDITOR, GOVERNANCE, ADMIN",
            "decisionRules,        ~,        ~,        CLINICIAN,  PHARMACIST, AUDITOR, GOVERNANCE, ADMIN",
            "apiVersion,           ~,        ~,        CLINICIAN,  PHARMACIST, AUDITOR, GOVERNANCE, ADMIN",
            "patient,              p-own,    ~,        CLINICIAN,  PHARMACIST, AUDITOR, -,          -",
            "patient,              p-other,  ~,        -,          -,          AUDITOR, -,          -",
            "patient,              nobody,   ~,        -,          -,          AUDITOR, -,          -",
            "regimenHistory,       p-own,    ~,        CLINICIAN,  PHARMACIST, AUDITOR, -,          -",
            "regimenAsOf,          p-other,  ~,        -,          -,          AUDITOR, -,          -",
            "verifyAuditTrail,     p-own,    ~,        CLINICIAN,  PHARMACIST, AUDITOR, -,          -",
            "GET /patients/{id}/history.ndjson, p-own, ~, CLINICIAN, PHARMACIST, AUDITOR, -,        -",
            "accessLog,            p-own,    ~,        -,          -,          AUDITOR, -,          -",
            "startMedicine,        p-own,    ~,        CLINICIAN,  PHARMACIST, -,       -,          -",
            "startMedicine,        p-other,  ~,        -,          -,          -,       -,          -",
            "startMedicine,        nobody,   ~,        -,          -,          -,       -,          -",
            "respondToAlert,       p-own,    ~,        CLINICIAN,  PHARMACIST, -,       -,          -",
            "registerPatient,      new-1,    A81001,   CLINICIAN,  PHARMACIST, -,       -,          -",
            "registerPatient,      new-1,    B82002,   -,          -,          -,       -,          -",
            "registerPatient,      p-own,    A81001,   CLINICIAN,  PHARMACIST, -,       -,          -",
            "registerPatient,      p-other,  A81001,   -,          -,          -,       -,          -",
            "practiceWorklist,     ~,        a81001,   CLINICIAN,  PHARMACIST, AUDITOR, -,          -",
            "practiceWorklist,     ~,        B82002,   -,          -,          AUDITOR, -,          -",
            "alertRaised,          ~,        A81001,   CLINICIAN,  PHARMACIST, AUDITOR, -,          -",
            "wasteSummary,         ~,        A81001,   CLINICIAN,  PHARMACIST, AUDITOR, GOVERNANCE, -",
            "savingsSummary,       ~,        ~,        -,          -,          AUDITOR, GOVERNANCE, -",
            "practiceMetrics,      ~,        B82002,   -,          -,          AUDITOR, GOVERNANCE, -",
            "measure,              ~,        ~,        -,          -,          AUDITOR, GOVERNANCE, -",
            "runDailyEvaluation,   ~,        ~,        -,          -,          -,       -,          ADMIN",
            "rebuildReadModel,     ~,        ~,        -,          -,          -,       -,          ADMIN",
            "readModelRebuild,     ~,        ~,        -,          -,          AUDITOR, -,          ADMIN",
            "somethingNew,         ~,        ~,        -,          -,          -,       -,          -",
    })
    void theRoleTable(String operation, String patient, String practice, String clinician, String pharmacist,
                      String auditor, String governance, String admin) {
        Target target = new Target(patient, practice);
        Map<String, String> expected = Map.of("CLINICIAN", clinician, "PHARMACIST", pharmacist, "AUDITOR", auditor,
                                              "GOVERNANCE", governance, "ADMIN", admin);
        expected.forEach((role, granted) -> {
            AccessPolicy.Decision decision = POLICY.decide(operation, caller(role), target);
            assertThat(decision.grantedBy() == null ? "-" : decision.grantedBy().name())
                    .as("%s as %s", operation, role).isEqualTo(granted);
        });
    }

    @Test
    void unknownFieldsAreDeniedAndPatientFieldsAreLogged() {
        assertThat(AccessPolicy.requirement("dropEverything")).isEqualTo(Requirement.DENIED);
        assertThat(AccessPolicy.requirement("__schema")).isEqualTo(Requirement.AUTHENTICATED);
        assertThat(List.of("patient", "regimenHistory", "regimenAsOf", "verifyAuditTrail", "accessLog",
                           AccessPolicy.EXPORT_PATH, "registerPatient", "switchMedicine", "respondToAlert"))
                .allSatisfy(op -> assertThat(AccessPolicy.requirement(op).logged()).as(op).isTrue());
        assertThat(AccessPolicy.requirement("practiceWorklist").logged()).isFalse();
    }

    @Test
    void aCallerWithSeveralRolesIsGrantedByTheFirstThatAllows() {
        Caller both = Caller.of("u-1", List.of("auditor", "PHARMACIST", "SOMETHING_ELSE"), List.of("A81001"));
        assertThat(both.roles()).containsExactlyInAnyOrder(Role.AUDITOR, Role.PHARMACIST);
        assertThat(POLICY.decide("patient", both, new Target("p-own", null)).grantedBy()).isEqualTo(Role.PHARMACIST);
        assertThat(POLICY.decide("patient", both, new Target("p-other", null)).grantedBy()).isEqualTo(Role.AUDITOR);
        assertThat(POLICY.decide("startMedicine", both, new Target("p-other", null)).allowed()).isFalse();
    }

    @Test
    void aCallerWithoutAContractRoleMayDoNothing() {
        // "Anything else is FORBIDDEN": a token without a known role grants nothing, not even reference data
        Caller nobody = Caller.of("u-2", List.of("VISITOR"), List.of("A81001"));
        assertThat(POLICY.decide("patient", nobody, new Target("p-own", null)).allowed()).isFalse();
        assertThat(POLICY.decide("medicines", nobody, Target.NONE).allowed()).isFalse();
    }
}
