/**
 * Decision rules as data: {@link uk.rxledger.decisionsupport.rules.RuleSet} reads the versioned rule file
 * ({@code /decisionsupport/rules.json}), {@link uk.rxledger.decisionsupport.rules.RuleEvaluator} evaluates it against
 * a patient's read model on a date, and {@link uk.rxledger.decisionsupport.rules.SmrEligibility} derives structured
 * medication review eligibility from the hits. Plain Java (Jackson for the JSON only): no Spring, Axon or storage,
 * so it can be called from a projection, a command handler or a batch job alike.
 */
package uk.rxledger.decisionsupport.rules;
