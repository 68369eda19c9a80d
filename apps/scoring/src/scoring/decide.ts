import type { Score } from '@app/contracts';
import type { EventFate } from '@app/features';
import type { ModelManifest } from '@app/model';
import type { CompiledRule, Condition } from '../rules/rule';

export type Decision = Score['decision'];
export type Reason = Score['reasons'][number];

const SEVERITY: Record<Decision, number> = { allow: 0, review: 1, block: 2 };

export interface Verdict {
  decision: Decision;
  alert: boolean;
  reasons: Reason[];
}

/**
 * Combines the model's score with the rules that fired: the decision is the most severe of the
 * model's (by the manifest's thresholds) and the rules'; an alert is raised by a score at or above
 * the alert threshold, or by an `alert` or `block` rule. Every cause is a reason code. A null score
 * (an event of a type the model does not score) leaves the rules alone to decide.
 */
export function decide(
  score: number | null,
  thresholds: ModelManifest['thresholds'],
  fired: Array<{ rule: CompiledRule['rule']; condition: Condition; value: number }>,
  fate: EventFate,
): Verdict {
  let decision: Decision = 'allow';
  let alert = false;
  const reasons: Reason[] = [];
  if (score !== null) {
    decision = score >= thresholds.block ? 'block' : score >= thresholds.review ? 'review' : 'allow';
    alert = score >= thresholds.alert;
    if (alert) reasons.push({ code: 'MODEL_SCORE_HIGH', detail: `score ${round(score)} >= alert threshold ${thresholds.alert}` });
    else if (decision !== 'allow')
      reasons.push({ code: 'MODEL_SCORE_ELEVATED', detail: `score ${round(score)} >= ${decision} threshold ${thresholds[decision]}` });
  }
  for (const { rule, condition, value } of fired) {
    const ruleDecision: Decision = rule.action === 'block' ? 'block' : 'review';
    if (SEVERITY[ruleDecision] > SEVERITY[decision]) decision = ruleDecision;
    if (rule.action !== 'review') alert = true;
    reasons.push({ code: rule.reasonCode, detail: `rule ${rule.id}: ${condition.feature} ${condition.op} ${condition.value} (is ${round(value)})` });
  }
  if (fate === 'late') reasons.push({ code: 'EVENT_LATE', detail: "older than the grace behind the user's latest event: windows were not updated" });
  if (fate === 'duplicate') reasons.push({ code: 'EVENT_DUPLICATE', detail: 'an event with this id was applied lately: windows were not updated again' });
  return { decision, alert, reasons };
}

/** The reason code for a feature that pushed a score up: FEATURE_ + its name in upper snake case. */
export const featureReasonCode = (feature: string) => `FEATURE_${feature.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;

export const round = (x: number) => Math.round(x * 1e4) / 1e4;
