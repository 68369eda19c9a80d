import { BucketSeries } from './bucket-series';
import { bucketOf, TIERS, type Tier } from './windows';

export type MerchantCount = 't' | 'f';

const EXPIRY_SLACK_MS = 2 * 86_400_000;

/**
 * One merchant's (or terminal's) transaction and fraud counts per hour and day bucket, as fields
 * `t:h<bucket>` and `f:d<bucket>` of a Redis hash. Events of every user partition touch a merchant,
 * so its counts are plain increments (commutative, written with HINCRBY by any consumer) rather than
 * state one consumer owns. Fraud counts in the disputed transaction's bucket, when its chargeback arrives.
 */
export class MerchantState {
  /** `t` and `f` counts per tier (TIERS order; the minute tier stays empty). */
  private readonly counts: Record<MerchantCount, BucketSeries[]> = { t: TIERS.map(() => new BucketSeries(1)), f: TIERS.map(() => new BucketSeries(1)) };
  /** Increments since the last takeIncrements(): what a batch adds to the shared hash. Null when none: most cached merchants have none. */
  private increments: Map<string, number> | null = null;

  static fromFields(fields: Record<string, string>): MerchantState {
    const state = new MerchantState();
    const read: Array<[BucketSeries, number, number]> = [];
    for (const field in fields) {
      const tier = MERCHANT_TIERS.find((t) => t.prefix === field[2]);
      if (tier && (field[0] === 't' || field[0] === 'f')) read.push([state.counts[field[0]][tier.index], Number(field.slice(3)), Number(fields[field])]);
    }
    // A large hash lists its fields in no order: sorted, each bucket is added at its series' end.
    read.sort((a, b) => a[1] - b[1]);
    for (const [series, bucket, count] of read) series.increment(series.slot(bucket), 0, count);
    return state;
  }

  add(count: MerchantCount, time: number): void {
    const increments = (this.increments ??= new Map());
    for (const tier of MERCHANT_TIERS) {
      const bucket = bucketOf(time, tier);
      const series = this.counts[count][tier.index];
      series.increment(series.slot(bucket), 0, 1);
      const field = `${count}:${tier.prefix}${bucket}`;
      increments.set(field, (increments.get(field) ?? 0) + 1);
    }
  }

  /** Sum over `count` buckets of `tier` ending `delayMs` before `time`'s bucket. */
  sum(count: MerchantCount, tier: Tier, time: number, buckets: number, delayMs: number): number {
    const last = bucketOf(time, tier) - delayMs / tier.bucketMs;
    return this.counts[count][tier.index].sum(last - buckets + 1, last, 0);
  }

  takeIncrements(): Array<[string, number]> {
    const list = this.increments ? [...this.increments] : [];
    this.increments = null;
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
        for (const [bucket] of this.counts[count][tier.index]) {
          if (bucket > oldest) break;
          expired.push(`${count}:${tier.prefix}${bucket}`);
        }
      }
    }
    return expired;
  }
}

/** Merchant windows are whole hours or days: minute counts for busy merchants would be large and seldom useful. */
export const MERCHANT_TIERS = TIERS.filter((t) => t.name !== 'minute');
