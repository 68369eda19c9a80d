import type { FeatureEvent } from './feature-event';
import { addOccurrence, latestAtOrBefore } from './occurrences';
import { bucketOf, TIERS, type Tier } from './windows';

/** What a user bucket counts, by index. */
export const enum UserMeasure { Events = 0, Transactions = 1, TransactionAmount = 2, Logins = 3 }

export type ValueKind = 'c' | 'v' | 'i';
/** Distinct-count subjects: countries, devices (v), IPs. */
export const VALUE_KINDS: Record<'countries' | 'devices' | 'ips', ValueKind> = { countries: 'c', devices: 'v', ips: 'i' };

type Located = [time: number, latitude: number, longitude: number];
const timeOfTime = (t: number) => t;
const timeOfLocated = (l: Located) => l[0];

/**
 * One user's window state, shaped like the Redis hash it is stored in so a batch writes only the
 * fields it changed: `w` watermark, `m|h|d<bucket>` measures, `p` recent event times, `l` recent
 * located events, `c:|v:|i:<value>` when a country, device or IP was seen. Pure data: the scoring
 * service and the training tool both drive it through FeatureEngine.
 */
export class UserState {
  /** Latest event time applied; events more than the grace before it are late. */
  watermark = Number.NEGATIVE_INFINITY;
  readonly buckets = new Map<string, number[]>();
  prev: number[] = [];
  located: Located[] = [];
  readonly values = new Map<string, number[]>();
  /** Fields changed or removed since the last takeChanges(). */
  private readonly changed = new Set<string>();

  static fromFields(fields: Record<string, string>): UserState {
    const state = new UserState();
    for (const [field, text] of Object.entries(fields)) {
      if (field === 'w') state.watermark = Number(text);
      else if (field === 'p') state.prev = JSON.parse(text) as number[];
      else if (field === 'l') state.located = JSON.parse(text) as Located[];
      else if (field[1] === ':') state.values.set(field, JSON.parse(text) as number[]);
      else state.buckets.set(field, text.split(',').map(Number));
    }
    return state;
  }

  apply(event: FeatureEvent, graceMs: number): void {
    const horizon = Math.max(this.watermark, event.time) - graceMs;
    for (const tier of TIERS) {
      const field = tier.prefix + bucketOf(event.time, tier);
      const measures = this.buckets.get(field) ?? [0, 0, 0, 0];
      measures[UserMeasure.Events] += 1;
      if (event.type === 'transaction') {
        measures[UserMeasure.Transactions] += 1;
        measures[UserMeasure.TransactionAmount] += event.amount;
      }
      if (event.type === 'login') measures[UserMeasure.Logins] += 1;
      this.buckets.set(field, measures);
      this.changed.add(field);
    }
    this.prev = addOccurrence(this.prev, event.time, timeOfTime, horizon);
    this.changed.add('p');
    if (event.latitude !== null && event.longitude !== null) {
      this.located = addOccurrence(this.located, [event.time, event.latitude, event.longitude], timeOfLocated, horizon);
      this.changed.add('l');
    }
    this.see('c', event.country, event.time, horizon);
    this.see('v', event.deviceId, event.time, horizon);
    this.see('i', event.ip, event.time, horizon);
    if (event.time > this.watermark) {
      this.watermark = event.time;
      this.changed.add('w');
      this.expire();
    }
  }

  /** Sum of one measure over the `count` buckets of `tier` ending with `time`'s bucket. */
  sum(tier: Tier, time: number, count: number, measure: UserMeasure): number {
    const last = bucketOf(time, tier);
    let total = 0;
    for (let b = last - count + 1; b <= last; b++) {
      const measures = this.buckets.get(tier.prefix + b);
      if (measures) total += measures[measure];
    }
    return total;
  }

  /** How many distinct values of a kind were seen in the `count` buckets of `tier` ending with `time`'s bucket. */
  distinct(kind: ValueKind, tier: Tier, time: number, count: number): number {
    const last = bucketOf(time, tier);
    const first = last - count + 1;
    let distinct = 0;
    for (const [field, times] of this.values) {
      if (field[0] !== kind) continue;
      // The latest occurrence whose bucket is not after the window's last one.
      const end = (last + 1) * tier.bucketMs - 1;
      const latest = latestAtOrBefore(times, end, timeOfTime);
      if (latest !== undefined && bucketOf(latest, tier) >= first) distinct++;
    }
    return distinct;
  }

  has(kind: ValueKind, value: string): boolean {
    return this.values.has(`${kind}:${value}`);
  }

  previousTime(time: number): number | undefined {
    return latestAtOrBefore(this.prev, time, timeOfTime);
  }

  previousLocated(time: number): Located | undefined {
    return latestAtOrBefore(this.located, time, timeOfLocated);
  }

  /** The fields to write (name and value) and those to delete since the last call. */
  takeChanges(): { set: Array<[string, string]>; removed: string[] } {
    const set: Array<[string, string]> = [];
    const removed: string[] = [];
    for (const field of this.changed) {
      const text = this.encode(field);
      if (text === undefined) removed.push(field);
      else set.push([field, text]);
    }
    this.changed.clear();
    return { set, removed };
  }

  private encode(field: string): string | undefined {
    if (field === 'w') return String(this.watermark);
    if (field === 'p') return JSON.stringify(this.prev);
    if (field === 'l') return JSON.stringify(this.located);
    if (field[1] === ':') return this.values.has(field) ? JSON.stringify(this.values.get(field)) : undefined;
    return this.buckets.get(field)?.join(',');
  }

  private see(kind: ValueKind, value: string | null, time: number, horizon: number): void {
    if (value === null) return;
    const field = `${kind}:${value}`;
    this.values.set(field, addOccurrence(this.values.get(field) ?? [], time, timeOfTime, horizon));
    this.changed.add(field);
  }

  /** Drops buckets and values no window can reach any more, by event time (replays expire the same way). */
  private expire(): void {
    for (const field of this.buckets.keys()) {
      const tier = TIERS.find((t) => t.prefix === field[0]) as Tier;
      if (Number(field.slice(1)) <= bucketOf(this.watermark, tier) - tier.maxWindowMs / tier.bucketMs) {
        this.buckets.delete(field);
        this.changed.add(field);
      }
    }
    const dayTier = TIERS[TIERS.length - 1];
    const oldest = (bucketOf(this.watermark, dayTier) - dayTier.maxWindowMs / dayTier.bucketMs + 1) * dayTier.bucketMs;
    for (const [field, times] of this.values) {
      if (times[times.length - 1] < oldest) {
        this.values.delete(field);
        this.changed.add(field);
      }
    }
  }
}
