package uk.rxledger.decisionsupport;

import uk.rxledger.decisionsupport.rules.Rule;
import uk.rxledger.decisionsupport.rules.RuleHit;
import uk.rxledger.decisionsupport.rules.RuleSet;
import uk.rxledger.decisionsupport.rules.SmrEligibility;
import uk.rxledger.regimen.AlertFinding;
import uk.rxledger.regimen.PatientView;

import java.util.List;

/**
 * What the rules say about one patient on one date: the rules that hold (as alert findings carrying their rule's
 * presentation and the rule-set version) and SMR eligibility.
 */
public record PatientEvaluation(List<AlertFinding> findings, SmrEligibility smrEligibility) {

    static PatientEvaluation of(List<RuleHit> hits, RuleSet rules, PatientView patient, java.time.LocalDate today) {
        List<AlertFinding> findings = hits.stream().map(hit -> finding(hit, rules)).toList();
        return new PatientEvaluation(findings, SmrEligibility.of(hits, patient, today));
    }

    private static AlertFinding finding(RuleHit hit, RuleSet rules) {
        Rule rule = rules.find(hit.ruleCode()).orElseThrow();
        return new AlertFinding(rule.code(), rules.version(), rule.title(), rule.source().name(),
                                rule.category().name(), rule.severity().name(), rule.evidenceUrl(), hit.message(),
                                rule.recommendation(), hit.lineIds(), hit.conditions(), hit.observations());
    }
}
