import { RecentScoredRows } from './recent-rows';
import type { Rule } from './rule';

const rule = (over: Partial<Rule> = {}): Rule => ({
  id: 'r',
  enabled: false,
  when: [{ feature: 'event.amount', op: '>=', value: 100 }],
  action: 'alert',
  reasonCode: 'BIG',
  ...over,
});

describe('RecentScoredRows', () => {
  const names = ['event.amount', 'user.tx_count.1h'];

  it('counts the recent events a rule fires on, disabled or not, by type when it names types', () => {
    const recent = new RecentScoredRows(10);
    recent.add(names, ['transaction', 'transaction', 'login'], Float32Array.from([50, 1, 150, 2, 500, 0]));
    expect(recent.preview(rule())).toEqual({ events: 3, fired: 2, unevaluated: 0, missingFeatures: [] });
    expect(recent.preview(rule({ eventTypes: ['transaction'] })).fired).toBe(1);
    expect(recent.preview(rule({ when: [...rule().when, { feature: 'user.tx_count.1h', op: '>', value: 1 }] })).fired).toBe(1);
  });

  it('keeps only the last events, and says which events lacked a feature the rule reads', () => {
    const recent = new RecentScoredRows(3);
    recent.add(['event.amount'], ['transaction', 'transaction'], Float32Array.from([1000, 1000]));
    recent.add(names, ['transaction', 'transaction'], Float32Array.from([1, 0, 200, 5]));
    expect(recent.preview(rule())).toEqual({ events: 3, fired: 2, unevaluated: 0, missingFeatures: [] });
    expect(recent.preview(rule({ when: [{ feature: 'user.tx_count.1h', op: '>=', value: 5 }] }))).toEqual({
      events: 3,
      fired: 1,
      unevaluated: 1,
      missingFeatures: ['user.tx_count.1h'],
    });
  });

  it('keeps nothing when its capacity is 0', () => {
    const recent = new RecentScoredRows(0);
    recent.add(names, ['transaction'], Float32Array.from([500, 0]));
    expect(recent.preview(rule()).events).toBe(0);
  });
});
