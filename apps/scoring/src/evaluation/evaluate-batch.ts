import type { Score } from '@app/contracts';
import type { FeatureEvent } from '@app/features';
import type { Disputed } from '../scoring/batch-state';
import type { ScoredBatch } from '../scoring/score-pipeline';
import type { ScoringPlan } from '../scoring/scoring-plan';
import type { StateChanges } from '../state/window-state.repository';
import { EvaluationTally, type ScoredMark } from './evaluation-tally';

/**
 * A batch's additions to the label evaluation (GET /v1/models/shadow), written into its changes: each
 * transaction's live and shadow scores, kept with its facts, and the transactions its chargebacks
 * named, counted where they were scored. A transaction scored before the evaluation existed has no
 * mark and is left out.
 */
export function evaluateBatch(plan: ScoringPlan, batch: ScoredBatch, scores: Score[], disputed: Disputed, changes: StateChanges): void {
  const tally = new EvaluationTally();
  const marks = new Map<string, ScoredMark>();
  const liveAlert = plan.model.manifest.thresholds.alert;
  const shadowAlert = plan.shadow?.manifest.thresholds.alert ?? 1;
  batch.events.forEach(({ event, fate }, i) => {
    if (event.type !== 'transaction' || fate === 'duplicate' || scores[i].modelScored === false) return;
    const { score, shadow } = scores[i];
    marks.set(
      event.eventId,
      tally.scored(
        plan.evaluationPair,
        event.time,
        { score, alert: score >= liveAlert },
        shadow ? { score: shadow.score, alert: shadow.score >= shadowAlert } : null,
      ),
    );
  });
  for (const transaction of changes.transactions) transaction.scored = marks.get(transaction.eventId) ?? transaction.scored;
  for (const chargeback of batch.labels) {
    const id = (chargeback.dispute as NonNullable<FeatureEvent['dispute']>).eventId;
    const mark = marks.get(id) ?? disputed.stored.get(id)?.scored;
    if (mark) tally.labelled(mark, chargeback.disputedAt as number);
  }
  changes.evaluation = tally.increments();
}
