import { DEFAULT_FEATURE_CONFIG } from '@app/features';
import type { OnnxModel } from '@app/model';
import type { Rule } from '../rules/rule';
import { ScoringPlan } from './scoring-plan';

// The plan reads only a model's manifest features and event types.
const model = (features: string[], eventTypes = ['transaction']) => ({ manifest: { features, eventTypes } }) as unknown as OnnxModel;
const rule: Rule = { id: 'night', when: [{ feature: 'event.is_night', op: '>=', value: 1 }], action: 'review', reasonCode: 'NIGHT', enabled: true };

describe('ScoringPlan', () => {
  it('computes the live features first, then those only rules or the shadow read, each once', () => {
    const plan = new ScoringPlan(
      model(['event.amount', 'user.tx_count.1d']),
      model(['user.tx_count.1h', 'event.is_night', 'event.amount']),
      '1',
      [rule],
      DEFAULT_FEATURE_CONFIG,
    );
    expect(plan.engine.names).toEqual(['event.amount', 'user.tx_count.1d', 'event.is_night', 'user.tx_count.1h']);
    expect(plan.modelWidth).toBe(2);
  });

  it('gives the shadow its features in its own order, row by row', () => {
    const plan = new ScoringPlan(model(['event.amount', 'user.tx_count.1d']), model(['user.tx_count.1h', 'event.amount']), null, [], DEFAULT_FEATURE_CONFIG);
    // Engine columns: amount, tx_count.1d, tx_count.1h; two rows and a third not asked for.
    const matrix = Float32Array.from([10, 1, 2, 20, 3, 4, 30, 5, 6]);
    expect([...plan.shadowRows(matrix, [0, 1])]).toEqual([2, 10, 4, 20]);
    expect([...plan.shadowRows(matrix, [2])]).toEqual([6, 30]);
  });

  it('gives the model its columns of the rows asked, and the matrix itself when that is all of it', () => {
    const plan = new ScoringPlan(model(['event.amount']), model(['user.tx_count.1h']), null, [], DEFAULT_FEATURE_CONFIG);
    const matrix = Float32Array.from([10, 1, 20, 2, 30, 3]);
    expect([...plan.modelRows(matrix, [0, 2])]).toEqual([10, 30]);
    const alone = new ScoringPlan(model(['event.amount']), null, null, [], DEFAULT_FEATURE_CONFIG);
    const column = Float32Array.from([10, 20, 30]);
    expect(alone.modelRows(column, [0, 1, 2])).toBe(column);
    expect([...alone.modelRows(column, [1, 2])]).toEqual([20, 30]);
  });

  it('scores with each model the event types its manifest names', () => {
    const plan = new ScoringPlan(model(['event.amount']), model(['event.amount'], ['transaction', 'login']), null, [], DEFAULT_FEATURE_CONFIG);
    expect(['transaction', 'login', 'page_view'].map((type) => [plan.modelScores(type), plan.shadowScores(type)])).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
  });

  it('has no shadow columns without a shadow', () => {
    const plan = new ScoringPlan(model(['event.amount']), null, null, [], DEFAULT_FEATURE_CONFIG);
    expect(plan.engine.names).toEqual(['event.amount']);
    expect(plan.shadow).toBeNull();
  });
});
