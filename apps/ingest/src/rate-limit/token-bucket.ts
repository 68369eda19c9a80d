/**
 * A token bucket per API key: `ratePerSecond` events sustained, bursts up to `burst`.
 * take() answers how long to wait when there are not enough tokens (for Retry-After).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `count` tokens for `key`; returns 0 when granted, otherwise the ms until they would be. */
  take(key: string, count: number): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    // A request larger than the burst needs a full bucket, and empties it.
    const needed = Math.min(count, this.burst);
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return 0;
    }
    return Math.ceil(((needed - bucket.tokens) / this.ratePerSecond) * 1000);
  }
}
