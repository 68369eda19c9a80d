import type { Logger } from 'pino';
import { alertIdFor, scoredEventOf, type Alert, type EnrichedEvent, type Score, type ScoredEvent } from '@app/contracts';
import { featureEventOf, type EventFate, type FeatureEvent, type MerchantState, type UserState } from '@app/features';
import { decide, featureReasonCode, round, type Verdict } from './decide';
import { occlusionRows, topContributions } from './explain';
import { scoringMetrics as metrics } from './scoring-metrics';
import type { ScoringPlan } from './scoring-plan';

/**
 * An event as scoring keeps it while its batch is in progress: what the features read, and the
 * occurredAt and brief its Score echoes. The whole enriched event (geo, User-Agent, merchant details) is
 * dropped as the record is parsed: kept across the batch's waits, it outlived young-generation
 * collections, and collecting it cost ~6% of the service's throughput (A/B, six pairs).
 */
export interface PositionedEvent {
  offset: string;
  event: FeatureEvent;
  occurredAt: string;
  brief: ScoredEvent;
}

export const positionedEvent = (offset: string, event: EnrichedEvent): PositionedEvent => ({
  offset,
  event: featureEventOf(event),
  occurredAt: event.occurredAt,
  brief: scoredEventOf(event),
});

export interface ScoredBatch {
  events: Array<{ event: FeatureEvent; occurredAt: string; brief: ScoredEvent; fate: EventFate }>;
  /** Row i holds the features of events[i], `width` columns in the plan's feature order. */
  matrix: Float32Array;
  width: number;
  /** The batch's chargebacks that named a known transaction: labels for the evaluation. */
  labels: FeatureEvent[];
}

export interface PipelineOptions {
  /** Event types applied to state but not scored (SCORING_SKIP_TYPES). */
  skipTypes: ReadonlySet<string>;
  /** Features that pushed a flagged score most, as reasons (SCORING_TOP_FEATURES; 0: none). */
  topFeatures: number;
  /** Scores carry their feature values (SCORING_EMIT_FEATURES). */
  emitFeatures: boolean;
}

type ShadowOpinion = NonNullable<Score['shadow']>;
type Fired = Parameters<typeof decide>[2];

/**
 * Scoring without storage: features from in-memory state, the model (one session.run per batch), the
 * rules, the decision, its explanation, and the shadow model's opinion. State is the caller's to load
 * and store (batch-state.ts); a batch's order of events is its partition's.
 */
export class ScorePipeline {
  constructor(
    private readonly options: PipelineOptions,
    private readonly logger: Logger,
  ) {}

  /** Applies every event to its state and writes the features of the scored ones into one matrix (width: the plan's features). */
  features(plan: ScoringPlan, events: PositionedEvent[], users: Map<string, UserState>, merchants: Map<string, MerchantState>): ScoredBatch {
    const width = plan.engine.names.length;
    const matrix = new Float32Array(events.length * width);
    const scored: ScoredBatch['events'] = [];
    const scratch = new Float32Array(width); // labels are applied, not scored: their row is not kept
    const labels: FeatureEvent[] = [];
    for (const { event, occurredAt, brief } of events) {
      const user = users.get(event.userId) as UserState;
      const merchant = event.merchantId ? (merchants.get(event.merchantId) ?? null) : null;
      const keep = !this.options.skipTypes.has(event.type);
      const fate = plan.engine.processInto(event, user, merchant, keep ? matrix : scratch, keep ? scored.length * width : 0);
      if (fate === 'late') metrics.late.inc();
      if (fate === 'duplicate') metrics.duplicates.inc();
      if (fate === 'applied' && event.dispute) {
        this.countChargeback(event);
        if (!event.dispute.flags.includes('chargeback_unmatched') && !event.dispute.flags.includes('chargeback_repeat')) labels.push(event);
      }
      if (keep) scored.push({ event, occurredAt, brief, fate });
    }
    return { events: scored, matrix, width, labels };
  }

  /**
   * The model's scores of the events of the types it scores, the rules that fired, decisions,
   * explanations and the shadow's opinion: the batch's scores and alerts. An event of a type the model
   * was not trained on is scored by the rules alone (Score.modelScored false, score 0).
   */
  async decide(plan: ScoringPlan, batch: ScoredBatch): Promise<{ scores: Score[]; alerts: Alert[] }> {
    const { events: scored, matrix, width } = batch;
    /** Per event, its row in the model's input, or -1 when the model does not score its type. */
    const modelRow = new Int32Array(scored.length).fill(-1);
    const modelled: number[] = [];
    scored.forEach(({ event }, i) => {
      if (plan.modelScores(event.type)) modelRow[i] = modelled.push(i) - 1;
    });
    const rows = plan.modelRows(matrix, modelled);
    const probabilities = await plan.model.score(rows, modelled.length);
    const { thresholds } = plan.model.manifest;
    const fired: Fired[] = scored.map((s, i) => {
      const row = matrix.subarray(i * width, (i + 1) * width);
      return plan.rules.flatMap((rule) => {
        const condition = rule.test(s.event.type, row);
        return condition ? [{ rule: rule.rule, condition, value: row[plan.engine.names.indexOf(condition.feature)] }] : [];
      });
    });
    const verdicts: Verdict[] = scored.map((s, i) => decide(modelRow[i] < 0 ? null : probabilities[modelRow[i]], thresholds, fired[i], s.fate));
    await this.explain(plan, rows, probabilities, modelled, verdicts);
    const shadow = await this.shadowOpinions(plan, batch, fired);

    const model = { id: plan.model.id, version: plan.model.version };
    const now = new Date().toISOString();
    const scores: Score[] = [];
    const alerts: Alert[] = [];
    const decisions = { allow: 0, review: 0, block: 0 };
    const shadowPairs = new Map<string, number>(); // `live:shadow` → events: one labelled inc per pair and batch, not per event
    scored.forEach(({ event, occurredAt, brief }, i) => {
      const { decision, alert, reasons } = verdicts[i];
      const score = modelRow[i] < 0 ? 0 : round(probabilities[modelRow[i]]);
      const out: Score = { eventId: event.eventId, userId: event.userId, occurredAt, model, score, decision, alert, reasons, scoredAt: now, event: brief };
      if (modelRow[i] < 0) out.modelScored = false;
      if (this.options.emitFeatures) out.features = featureRecord(plan.model.manifest.features, matrix, width, i);
      const opinion = shadow?.[i];
      if (opinion) {
        out.shadow = opinion;
        const pair = `${decision}:${opinion.decision}`;
        shadowPairs.set(pair, (shadowPairs.get(pair) ?? 0) + 1);
      }
      scores.push(out);
      decisions[decision]++;
      if (alert) {
        const raised: Alert = {
          alertId: alertIdFor(event.eventId),
          eventId: event.eventId,
          userId: event.userId,
          eventType: event.type,
          occurredAt,
          score,
          decision,
          model,
          reasons,
          raisedAt: now,
        };
        if (modelRow[i] < 0) raised.modelScored = false;
        alerts.push(raised);
      }
    });
    for (const [decision, count] of Object.entries(decisions)) if (count > 0) metrics.scored.inc({ decision }, count);
    for (const [pair, count] of shadowPairs) {
      const [live, shadowDecision] = pair.split(':');
      metrics.shadow.inc({ live, shadow: shadowDecision }, count);
    }
    metrics.alerts.inc(alerts.length);
    return { scores, alerts };
  }

  private countChargeback(event: FeatureEvent): void {
    const flags = event.dispute?.flags ?? [];
    metrics.chargebacks.inc({ outcome: flags.includes('chargeback_unmatched') ? 'unmatched' : 'matched' });
    for (const flag of flags) metrics.chargebackFlags.inc({ flag });
    if (flags.length > 0)
      this.logger.warn({ eventId: event.eventId, disputedEventId: event.dispute?.eventId, flags }, 'chargeback does not match the transaction it names');
  }

  /**
   * The shadow model's score of every event of the types it scores, and what it would have decided
   * under the same rules (one more session.run for the batch). A shadow that fails leaves the batch's
   * scores without its opinion: it never holds up or changes live scoring.
   */
  private async shadowOpinions(plan: ScoringPlan, batch: ScoredBatch, fired: Fired[]): Promise<Array<ShadowOpinion | undefined> | null> {
    const shadow = plan.shadow;
    if (!shadow) return null;
    const judged = batch.events.flatMap(({ event }, i) => (plan.shadowScores(event.type) ? [i] : []));
    if (judged.length === 0) return null;
    let probabilities: Float32Array;
    try {
      probabilities = await shadow.score(plan.shadowRows(batch.matrix, judged), judged.length);
    } catch (error) {
      metrics.shadowFailures.inc();
      this.logger.warn(
        { model: shadow.id, version: shadow.version, err: (error as Error).message },
        'the shadow model failed to score a batch; its scores go out without the shadow',
      );
      return null;
    }
    const model = { id: shadow.id, version: shadow.version };
    const opinions = new Array<ShadowOpinion | undefined>(batch.events.length);
    judged.forEach((event, k) => {
      const { decision, alert } = decide(probabilities[k], shadow.manifest.thresholds, fired[event], batch.events[event].fate);
      opinions[event] = { model, score: round(probabilities[k]), decision, alert };
    });
    return opinions;
  }

  /**
   * Adds the features that pushed each non-allowed score of the model most (one extra model call for
   * the batch). `rows` holds the model's input for the events `modelled` names, in that order.
   */
  private async explain(plan: ScoringPlan, rows: Float32Array, probabilities: Float32Array, modelled: number[], verdicts: Verdict[]): Promise<void> {
    const { baseline, features } = plan.model.manifest;
    const top = this.options.topFeatures;
    const flagged = modelled.flatMap((event, row) => (verdicts[event].decision !== 'allow' ? [row] : []));
    if (!baseline || top === 0 || flagged.length === 0) return;
    const width = features.length;
    const occluded = await plan.model.score(occlusionRows(rows, width, flagged, baseline), flagged.length * width);
    flagged.forEach((row, k) => {
      const reasons = verdicts[modelled[row]].reasons;
      for (const { feature, contribution } of topContributions(probabilities[row], occluded, k, width, top)) {
        reasons.push({
          code: featureReasonCode(features[feature]),
          detail: `${features[feature]} = ${round(rows[row * width + feature])} (typical ${round(baseline[feature])}), +${round(contribution)}`,
        });
      }
    });
  }
}

/** The model's features of event `row` of the batch's matrix (rows of `width`, the model's columns first), null where missing. */
function featureRecord(names: readonly string[], matrix: Float32Array, width: number, row: number): Record<string, number | null> {
  return Object.fromEntries(names.map((name, f) => [name, Number.isNaN(matrix[row * width + f]) ? null : matrix[row * width + f]]));
}
