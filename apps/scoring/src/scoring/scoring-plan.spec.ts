import { DEFAULT_FEATURE_CONFIG } from '@app/features';
import type { OnnxModel } from '@app/model';
import type { Rule } from '../rules/rule';
import { ScoringPlan } from './scoring-plan';

// The plan reads only a model's manifest features.
const model = (features: string[]) => ({ manifest: { features } }) as unknown as OnnxModel;
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
    expect([...plan.shadowRows(matrix, 2)]).toEqual([2, 10, 4, 20]);
  });

  it('has no shadow columns without a shadow', () => {
    const plan = new ScoringPlan(model(['event.amount']), null, null, [], DEFAULT_FEATURE_CONFIG);
    expect(plan.engine.names).toEqual(['event.amount']);
    expect(plan.shadow).toBeNull();
  });
});
