import pino from 'pino';
import type { EnrichedEvent } from '@app/contracts';
import { DEFAULT_FEATURE_CONFIG, UserState } from '@app/features';
import type { OnnxModel } from '@app/model';
import type { Rule } from '../rules/rule';
import { positionedEvent, ScorePipeline, type PipelineOptions } from './score-pipeline';
import { ScoringPlan } from './scoring-plan';

/** A model that scores a payment by its amount (amount / 1000), as an ONNX session would for one input column. */
function amountModel(
  id: string,
  score: (amount: number) => number = (amount) => Math.min(1, amount / 1000),
  eventTypes: string[] = ['transaction'],
  rowsScored: number[] = [],
): OnnxModel {
  const manifest = { features: ['event.amount'], eventTypes, thresholds: { review: 0.5, block: 0.9, alert: 0.7 }, baseline: [20] };
  return {
    id,
    version: '1',
    manifest,
    score: async (rows: Float32Array, count: number) => {
      rowsScored.push(count);
      return Float32Array.from({ length: count }, (_, i) => score(rows[i]));
    },
  } as unknown as OnnxModel;
}

const payment = (n: number, amount: number, type: EnrichedEvent['type'] = 'transaction') =>
  positionedEvent(String(n), {
    eventId: `e${n}`,
    type,
    userId: 'u1',
    occurredAt: `2026-03-02T10:0${n}:00.000Z`,
    amount,
    currency: 'EUR',
    receivedAt: '2026-03-02T10:00:00.000Z',
    source: 'http',
    geo: null,
    ua: null,
    merchant: null,
    flags: [],
  });
const silent = pino({ level: 'silent' });
const options: PipelineOptions = { skipTypes: new Set(['page_view']), topFeatures: 1, emitFeatures: true };
const users = () => new Map([['u1', UserState.decode(undefined, DEFAULT_FEATURE_CONFIG.graceMs)]]);

describe('ScorePipeline, without storage', () => {
  it('scores each event from its features, decides by the thresholds and the rules, and raises alerts with reasons', async () => {
    const rule: Rule = { id: 'big', when: [{ feature: 'event.amount', op: '>=', value: 600 }], action: 'review', reasonCode: 'BIG_AMOUNT', enabled: true };
    const plan = new ScoringPlan(amountModel('live'), null, '1', [rule], DEFAULT_FEATURE_CONFIG);
    const pipeline = new ScorePipeline(options, silent);
    const batch = pipeline.features(plan, [payment(1, 100), payment(2, 600), payment(3, 50, 'page_view'), payment(4, 950)], users(), new Map());
    expect(batch.events.map((e) => e.event.eventId)).toEqual(['e1', 'e2', 'e4']); // the page view is applied, not scored

    const { scores, alerts } = await pipeline.decide(plan, batch);
    expect(scores.map((s) => [s.eventId, s.score, s.decision, s.alert])).toEqual([
      ['e1', 0.1, 'allow', false],
      ['e2', 0.6, 'review', false],
      ['e4', 0.95, 'block', true],
    ]);
    expect(scores[0].features).toEqual({ 'event.amount': 100 });
    expect(scores[0].event).toEqual({ type: 'transaction', amount: 100, currency: 'EUR' }); // the event in brief, for profiles
    expect(scores[1].reasons.map((r) => r.code)).toEqual(['MODEL_SCORE_ELEVATED', 'BIG_AMOUNT', 'FEATURE_EVENT_AMOUNT']);
    expect(alerts).toEqual([expect.objectContaining({ alertId: 'alert_e4', eventId: 'e4', userId: 'u1', score: 0.95, model: { id: 'live', version: '1' } })]);
    expect(alerts[0].reasons.map((r) => r.code)).toEqual(['MODEL_SCORE_HIGH', 'BIG_AMOUNT', 'FEATURE_EVENT_AMOUNT']);
  });

  it('leaves an event of a type the model was not trained on to the rules: score 0, modelScored false, not explained', async () => {
    const rule: Rule = { id: 'big', when: [{ feature: 'event.amount', op: '>=', value: 600 }], action: 'alert', reasonCode: 'BIG_AMOUNT', enabled: true };
    const liveRows: number[] = [];
    const shadowRows: number[] = [];
    const plan = new ScoringPlan(
      amountModel('live', undefined, ['transaction'], liveRows),
      amountModel('challenger', () => 0.8, ['transaction', 'refund'], shadowRows),
      '1',
      [rule],
      DEFAULT_FEATURE_CONFIG,
    );
    const pipeline = new ScorePipeline(options, silent);
    const batch = pipeline.features(plan, [payment(1, 950, 'refund'), payment(2, 950), payment(3, 100, 'add_to_cart')], users(), new Map());
    const { scores, alerts } = await pipeline.decide(plan, batch);
    expect(scores.map((s) => [s.eventId, s.score, s.modelScored, s.decision, s.alert, s.reasons.map((r) => r.code), s.shadow?.score])).toEqual([
      ['e1', 0, false, 'review', true, ['BIG_AMOUNT'], 0.8],
      ['e2', 0.95, undefined, 'block', true, ['MODEL_SCORE_HIGH', 'BIG_AMOUNT', 'FEATURE_EVENT_AMOUNT'], 0.8],
      ['e3', 0, false, 'allow', false, [], undefined],
    ]);
    expect(scores[0].features).toEqual({ 'event.amount': 950 }); // the features are computed either way, for the rules
    expect(liveRows).toEqual([1, 1]); // the transaction, then its explanation (one row per feature)
    expect(shadowRows).toEqual([2]); // the refund and the transaction
    expect(alerts.map((a) => [a.eventId, a.score, a.modelScored])).toEqual([
      ['e1', 0, false],
      ['e2', 0.95, undefined],
    ]);
  });

  it("adds the shadow model's opinion, and scores without it when the shadow fails", async () => {
    const pipeline = new ScorePipeline({ ...options, topFeatures: 0 }, silent);
    const withShadow = new ScoringPlan(
      amountModel('live'),
      amountModel('challenger', () => 0.8),
      null,
      [],
      DEFAULT_FEATURE_CONFIG,
    );
    const [scored] = (await pipeline.decide(withShadow, pipeline.features(withShadow, [payment(1, 100)], users(), new Map()))).scores;
    expect(scored.shadow).toEqual({ model: { id: 'challenger', version: '1' }, score: 0.8, decision: 'review', alert: true });

    const failing = amountModel('broken');
    (failing as unknown as { score: () => Promise<never> }).score = () => Promise.reject(new Error('session failed'));
    const withBrokenShadow = new ScoringPlan(amountModel('live'), failing, null, [], DEFAULT_FEATURE_CONFIG);
    const [alone] = (await pipeline.decide(withBrokenShadow, pipeline.features(withBrokenShadow, [payment(1, 100)], users(), new Map()))).scores;
    expect(alone).toMatchObject({ eventId: 'e1', score: 0.1, decision: 'allow' });
    expect(alone.shadow).toBeUndefined();
  });
});
