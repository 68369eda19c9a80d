import { DAY } from '@app/features';
import { bucketOf, periodOf, periodsBefore, TRANSACTION_BUCKETS, TRANSACTION_PERIOD_MS } from './transaction-placement';

describe('transaction placement', () => {
  it('reads, for a chargeback, every period a transaction of its horizon can be in', () => {
    const at = Date.parse('2026-09-01T12:00:00Z');
    const periods = periodsBefore(at, 120 * DAY);
    for (let t = at - 120 * DAY; t <= at; t += DAY / 4) expect(periods).toContain(periodOf(t));
    expect(periods).toContain(periodOf(at + TRANSACTION_PERIOD_MS)); // a clock a little ahead
    expect(periods.length).toBeLessThanOrEqual(14);
  });

  it('spreads ids over the buckets, each id always in the same one', () => {
    const counts = new Array(TRANSACTION_BUCKETS).fill(0);
    for (let i = 0; i < 64_000; i++) counts[bucketOf(`sim42-${i}`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
    expect(bucketOf('pay-0001')).toBe(bucketOf('pay-0001'));
  });
});
