package uk.rxledger.regimen;

import uk.rxledger.projection.ProjectedDocument;

import org.bson.codecs.pojo.annotations.BsonIgnore;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The patient's regimen as the prescribing and pharmacist frontends read it: one document per patient, keyed by
 * patient id, and its medicine lines one document each (ADR 0014), so reading a patient is two key lookups. Built by
 * {@link PatientProjection}.
 */
public class PatientView extends ProjectedDocument {

    public String practice;
    public String pcn;
    public LocalDate birthDate;
    public Sex sex;
    public boolean careHomeResident;
    public Frailty frailty;
    public List<ConditionEntry> conditions = new ArrayList<>();
    public List<ObservationEntry> observations = new ArrayList<>();
    /** Stored apart, in {@link PatientProjection#LINES}. */
    @BsonIgnore
    public List<LineView> lines = new ArrayList<>();
    public List<AdherenceCheckView> adherenceChecks = new ArrayList<>();
    public List<ReviewView> reviews = new ArrayList<>();
    public List<AlertView> alerts = new ArrayList<>();

    public static class ConditionEntry {
        public Condition condition;
        public LocalDate recordedOn;
        public LocalDate resolvedOn;
    }

    public static class ObservationEntry {
        public ObservationKind kind;
        public LocalDate observedOn;
        public Double value;
        public String unit;
    }

    public static class LineView {
        public String id;
        public String medicineCode;
        public LineStatus status;
        public double unitsPerDose;
        public double dosesPerDay;
        public LocalDate startedOn;
        public LocalDate endedOn;
        public String endReason;
        public String indication;
        public String prescriber;
        public LocalDate lastDispensedOn;
        public double unitsDispensed;
        /** Every dispensing of the line, in the order recorded (for supply-on-hand and waste estimates). */
        public List<DispensingEntry> dispensings = new ArrayList<>();
        /** Units left over when the line was switched or stopped, where the clinician recorded them. */
        public Double unusedQuantity;
        /** Every dose of the line in date order: the starting dose, then each change. */
        public List<DoseEntry> doses = new ArrayList<>();
        /** The line this one replaced, or the one that replaced it. */
        public String switchedFromLineId;
        public String switchedToLineId;

        public double dailyUnits() {
            return unitsPerDose * dosesPerDay;
        }
    }

    public static class DispensingEntry {
        public LocalDate dispensedOn;
        public double quantity;
    }

    public static class DoseEntry {
        public LocalDate from;
        public double unitsPerDose;
        public double dosesPerDay;

        public double dailyUnits() {
            return unitsPerDose * dosesPerDay;
        }
    }

    public static class AdherenceCheckView {
        public String lineId;
        public LocalDate checkedOn;
        public AdherenceMethod method;
        public LocalDate periodStart;
        public LocalDate periodEnd;
        public double adherence;
        public boolean adherent;
        /** Units counted at a pill count (null for other methods). */
        public Double unitsRemaining;
    }

    public static class ReviewView {
        public LocalDate reviewedOn;
        public String reviewer;
        public ReviewKind kind;
        public String notes;
    }

    public static class AlertView {
        public String id;
        public AlertStatus status;
        public String ruleCode;
        public String ruleVersion;
        public String title;
        public String source;
        public String category;
        public String severity;
        public String evidenceUrl;
        public String message;
        public String recommendation;
        public List<String> lineIds = new ArrayList<>();
        public List<String> conditions = new ArrayList<>();
        public List<String> observations = new ArrayList<>();
        public LocalDate raisedOn;
        public LocalDate resolvedOn;
        public AlertDecision decision;
        public String responseReason;
        public LocalDate respondedOn;
        public String respondedBy;

        public boolean open() {
            return status == AlertStatus.OPEN;
        }

        /** The alert as it was raised. */
        public static AlertView raised(AlertRaised event) {
            AlertFinding finding = event.finding();
            AlertView alert = new AlertView();
            alert.id = event.alertId();
            alert.status = AlertStatus.OPEN;
            alert.ruleCode = finding.ruleCode();
            alert.ruleVersion = finding.ruleVersion();
            alert.title = finding.title();
            alert.source = finding.source();
            alert.category = finding.category();
            alert.severity = finding.severity();
            alert.evidenceUrl = finding.evidenceUrl();
            alert.message = finding.message();
            alert.recommendation = finding.recommendation();
            alert.lineIds = new ArrayList<>(finding.lineIds());
            alert.conditions = new ArrayList<>(finding.conditions());
            alert.observations = new ArrayList<>(finding.observations());
            alert.raisedOn = event.raisedOn();
            return alert;
        }
    }

    /** Anticholinergic burden: the sum of the ACB scores of the active lines' products. */
    public int acbTotal(uk.rxledger.catalogue.Catalogue catalogue) {
        return activeLines().stream()
                .mapToInt(l -> catalogue.find(l.medicineCode).map(uk.rxledger.catalogue.Medicine::acbScore).orElse(0))
                .sum();
    }

    public Optional<AlertView> alert(String alertId) {
        return alerts.stream().filter(a -> a.id.equals(alertId)).findFirst();
    }

    public List<AlertView> openAlerts() {
        return alerts.stream().filter(AlertView::open).toList();
    }

    public Optional<LineView> line(String lineId) {
        return lines.stream().filter(l -> l.id.equals(lineId)).findFirst();
    }

    public List<LineView> activeLines() {
        return lines.stream().filter(l -> l.status == LineStatus.ACTIVE).toList();
    }

    /** Ended lines, most recently ended first. */
    public List<LineView> stoppedLines() {
        return lines.stream().filter(l -> l.status != LineStatus.ACTIVE)
                    .sorted(Comparator.comparing((LineView l) -> l.endedOn).reversed()
                                      .thenComparing(l -> l.id, Comparator.reverseOrder()))
                    .toList();
    }

    /** Adherence checks, latest first. */
    public List<AdherenceCheckView> checksLatestFirst() {
        List<AdherenceCheckView> checks = new ArrayList<>(adherenceChecks);
        java.util.Collections.reverse(checks);
        checks.sort(Comparator.comparing((AdherenceCheckView c) -> c.checkedOn).reversed());
        return checks;
    }

    /** The lowest of the latest check of each active line, or null when no active line was checked. */
    public Double latestAdherence() {
        Double lowest = null;
        for (LineView line : activeLines()) {
            Optional<AdherenceCheckView> latest = checksLatestFirst().stream()
                    .filter(c -> c.lineId.equals(line.id)).findFirst();
            if (latest.isPresent() && (lowest == null || latest.get().adherence < lowest)) {
                lowest = latest.get().adherence;
            }
        }
        return lowest;
    }
}
