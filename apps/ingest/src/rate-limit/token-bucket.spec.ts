import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('grants a burst, then refuses with the time until enough tokens refill', () => {
    let now = 0;
    const buckets = new TokenBuckets(100, 200, () => now);
    expect(buckets.take('k', 200)).toBe(0);
    expect(buckets.take('k', 50)).toBe(500);
    now += 500;
    expect(buckets.take('k', 50)).toBe(0);
  });

  it('keeps keys apart', () => {
    const buckets = new TokenBuckets(10, 10, () => 0);
    expect(buckets.take('a', 10)).toBe(0);
    expect(buckets.take('b', 10)).toBe(0);
    expect(buckets.take('a', 1)).toBeGreaterThan(0);
  });

  it('lets a request larger than the burst through only on a full bucket, which it empties', () => {
    let now = 0;
    const buckets = new TokenBuckets(100, 50, () => now);
    expect(buckets.take('k', 500)).toBe(0);
    expect(buckets.take('k', 500)).toBe(500);
    now += 500;
    expect(buckets.take('k', 500)).toBe(0);
  });
});
