import { bucketOf, sumBuckets, TIERS, type Tier } from './windows';

export type MerchantCount = 't' | 'f';

const COUNT_OF = (n: number) => n;
const EXPIRY_SLACK_MS = 2 * 86_400_000;

/**
 * One merchant's (or terminal's) transaction and fraud counts per hour and day bucket, as fields
 * `t:h<bucket>` and `f:d<bucket>` of a Redis hash. Events of every user partition touch a merchant,
 * so its counts are plain increments (commutative, written with HINCRBY by any consumer) rather than
 * state one consumer owns. Fraud counts in the disputed transaction's bucket, when its chargeback arrives.
 */
export class MerchantState {
  /** `t` and `f` counts per tier (TIERS order; the minute tier stays empty): bucket → count. */
  private readonly counts: Record<MerchantCount, Array<Map<number, number>>> = { t: TIERS.map(() => new Map()), f: TIERS.map(() => new Map()) };
  /** Increments since the last takeIncrements(): what a batch adds to the shared hash. */
  private readonly increments = new Map<string, number>();

  static fromFields(fields: Record<string, string>): MerchantState {
    const state = new MerchantState();
    for (const field in fields) {
      const tier = MERCHANT_TIERS.find((t) => t.prefix === field[2]);
      if (tier && (field[0] === 't' || field[0] === 'f')) state.counts[field[0]][tier.index].set(Number(field.slice(3)), Number(fields[field]));
    }
    return state;
  }

  add(count: MerchantCount, time: number): void {
    for (const tier of MERCHANT_TIERS) {
      const bucket = bucketOf(time, tier);
      const counts = this.counts[count][tier.index];
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
      const field = `${count}:${tier.prefix}${bucket}`;
      this.increments.set(field, (this.increments.get(field) ?? 0) + 1);
    }
  }

  /** Sum over `count` buckets of `tier` ending `delayMs` before `time`'s bucket. */
  sum(count: MerchantCount, tier: Tier, time: number, buckets: number, delayMs: number): number {
    const last = bucketOf(time, tier) - delayMs / tier.bucketMs;
    return sumBuckets(this.counts[count][tier.index], last - buckets + 1, last, COUNT_OF);
  }

  takeIncrements(): Array<[string, number]> {
    const list = [...this.increments];
    this.increments.clear();
    return list;
  }

  /**
   * Fields older than any window (delayed by `delayMs`) can reach, relative to `now` in event time,
   * with two days to spare: `now` comes from one partition, and the others may be behind it.
   */
  expiredFields(now: number, delayMs: number): string[] {
    const expired: string[] = [];
    for (const tier of MERCHANT_TIERS) {
      const oldest = bucketOf(now, tier) - (tier.maxWindowMs + delayMs + EXPIRY_SLACK_MS) / tier.bucketMs;
      for (const count of ['t', 'f'] as const) {
        for (const bucket of this.counts[count][tier.index].keys()) if (bucket <= oldest) expired.push(`${count}:${tier.prefix}${bucket}`);
      }
    }
    return expired;
  }
}

/** Merchant windows are whole hours or days: minute counts for busy merchants would be large and seldom useful. */
export const MERCHANT_TIERS = TIERS.filter((t) => t.name !== 'minute');
