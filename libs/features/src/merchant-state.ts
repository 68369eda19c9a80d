import { bucketOf, TIERS, type Tier } from './windows';

export type MerchantCount = 't' | 'f';

/**
 * One merchant's (or terminal's) transaction and fraud counts per hour and day bucket, as fields
 * `t:h<bucket>` and `f:d<bucket>` of a Redis hash. Events of every user partition touch a merchant,
 * so its counts are plain increments (commutative, written with HINCRBY by any consumer) rather than
 * state one consumer owns. Fraud counts in the disputed transaction's bucket, when its chargeback arrives.
 */
export class MerchantState {
  readonly counts = new Map<string, number>();
  /** Increments since the last takeIncrements(): what a batch adds to the shared hash. */
  private readonly increments = new Map<string, number>();

  static fromFields(fields: Record<string, string>): MerchantState {
    const state = new MerchantState();
    for (const [field, text] of Object.entries(fields)) state.counts.set(field, Number(text));
    return state;
  }

  add(count: MerchantCount, time: number): void {
    for (const tier of MERCHANT_TIERS) {
      const field = `${count}:${tier.prefix}${bucketOf(time, tier)}`;
      this.counts.set(field, (this.counts.get(field) ?? 0) + 1);
      this.increments.set(field, (this.increments.get(field) ?? 0) + 1);
    }
  }

  /** Sum over `count` buckets of `tier` ending `delayMs` before `time`'s bucket. */
  sum(count: MerchantCount, tier: Tier, time: number, buckets: number, delayMs: number): number {
    const last = bucketOf(time, tier) - delayMs / tier.bucketMs;
    let total = 0;
    for (let b = last - buckets + 1; b <= last; b++) total += this.counts.get(`${count}:${tier.prefix}${b}`) ?? 0;
    return total;
  }

  takeIncrements(): Array<[string, number]> {
    const list = [...this.increments];
    this.increments.clear();
    return list;
  }

  /** Fields older than any window (delayed by `delayMs`) can reach, relative to `now` in event time. */
  expiredFields(now: number, delayMs: number): string[] {
    const expired: string[] = [];
    for (const field of this.counts.keys()) {
      const tier = MERCHANT_TIERS.find((t) => t.prefix === field[2]);
      if (!tier) continue;
      const keep = (tier.maxWindowMs + delayMs) / tier.bucketMs;
      if (Number(field.slice(3)) <= bucketOf(now, tier) - keep) expired.push(field);
    }
    return expired;
  }
}

/** Merchant windows are whole hours or days: minute counts for busy merchants would be large and seldom useful. */
export const MERCHANT_TIERS = TIERS.filter((t) => t.name !== 'minute');
