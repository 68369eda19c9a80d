import { nextRetryDelayMs, retryAfterSeconds } from './retry-schedule';

const SPEC = [5, 300, 1800, 7200, 18000, 36000, 36000];

describe('retry schedule', () => {
  it('follows the schedule with jitter of at most 20%', () => {
    expect(nextRetryDelayMs(1, SPEC, null, () => 0.5)).toBe(5_000);
    expect(nextRetryDelayMs(2, SPEC, null, () => 0)).toBe(240_000);
    expect(nextRetryDelayMs(2, SPEC, null, () => 0.999999)).toBeCloseTo(360_000, -1);
  });

  it('gives up after the last step', () => {
    expect(nextRetryDelayMs(7, SPEC, null, () => 0.5)).toBe(36_000_000);
    expect(nextRetryDelayMs(8, SPEC, null, () => 0.5)).toBeNull();
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(nextRetryDelayMs(1, SPEC, 60, () => 0.5)).toBe(60_000);
    expect(nextRetryDelayMs(2, SPEC, 60, () => 0.5)).toBe(300_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterSeconds('120')).toBe(120);
    expect(retryAfterSeconds(new Date(Date.parse('2026-11-23T10:00:30Z')).toUTCString(), Date.parse('2026-11-23T10:00:00Z'))).toBe(30);
    expect(retryAfterSeconds('999999')).toBe(86_400);
    expect(retryAfterSeconds('soon')).toBeNull();
    expect(retryAfterSeconds(null)).toBeNull();
  });
});
