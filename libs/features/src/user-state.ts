import { eventIdHash, rememberRecent } from '@app/contracts';
import type { FeatureEvent } from './feature-event';
import { encodeSnapshot, eventLine, KINDS, MEASURES, parseEventLine, readSnapshot, type Located, type LoggedEvent, type ValueKind } from './user-state.codec';
import { addOccurrence, latestAtOrBefore } from './occurrences';
import { bucketOf, TIERS, type Tier } from './windows';
import { BucketSeries } from './bucket-series';

/** What a user bucket counts, by index. Amounts are in cents: integer sums are exact and replay to the same value in any order. */
export const enum UserMeasure {
  Events = 0,
  Transactions = 1,
  TransactionCents = 2,
  Logins = 3,
}

export type { ValueKind };
/** Distinct-count subjects: countries, devices (v), IPs. */
export const VALUE_KINDS: Record<'countries' | 'devices' | 'ips', ValueKind> = { countries: 'c', devices: 'v', ips: 'i' };

const RECENT_EVENT_IDS = 32;
const timeOfTime = (t: number) => t;
const timeOfLocated = (l: Located) => l[0];

/**
 * One user's window state: the watermark, measures per minute, hour and day bucket, recent event
 * times and located events, and when each country, device and IP was seen. Stored as one string
 * (storedForm/decode): a snapshot followed by the events applied since, so a batch appends a line
 * per event instead of rewriting the state. Pure data: the scoring service and the training tool
 * both drive it through FeatureEngine.
 */
export class UserState {
  /** Latest event time applied; events more than the grace before it are late. */
  watermark = Number.NEGATIVE_INFINITY;
  /** Per tier (TIERS order): each bucket's measures (UserMeasure). */
  readonly buckets: BucketSeries[] = TIERS.map(() => new BucketSeries(MEASURES));
  prev: number[] = [];
  located: Located[] = [];
  /** Per kind: value → occurrence times (see occurrences.ts). */
  readonly values: Record<ValueKind, Map<string, number[]>> = { c: new Map(), v: new Map(), i: new Map() };
  /** Hashes of the ids of the user's latest events (at most RECENT_EVENT_IDS, eventIdHash), to recognise a copy published twice. */
  recentEventHashes: number[] = [];
  /** Log lines of events applied since the state was last stored. */
  private unsaved: string[] = [];
  /** What Redis holds: whether a snapshot, and how many log lines after it. */
  private stored = { snapshot: false, logLength: 0 };

  /**
   * Rebuilds a stored state (see storedForm): its snapshot, then its logged events applied again.
   * The same events in the same order give the same state, so the log is as good as a snapshot.
   */
  static decode(text: string | null | undefined, graceMs: number): UserState {
    const state = new UserState();
    if (!text) return state;
    const lines = text.split('\n');
    if (lines[0]) readSnapshot(lines[0], state);
    state.stored = { snapshot: lines[0] !== '', logLength: lines.length - 1 };
    for (let i = 1; i < lines.length; i++) {
      if (!lines[i]) continue;
      const event = parseEventLine(lines[i]);
      if (event.type !== 'chargeback') state.applyEvent(event, graceMs);
      state.rememberId(event.eventId);
    }
    return state;
  }

  /** Whether apply() changed the state since it was last stored. */
  get changed(): boolean {
    return this.unsaved.length > 0;
  }

  /**
   * What to write for the events applied since the last call: usually the lines to append to the
   * stored log (~60 bytes an event), and a whole snapshot once the log has grown past `maxLog`
   * lines, so a reload never replays much. Encoding a snapshot per event cost 7 µs; a line, 1.
   */
  storedForm(maxLog = 32): { append: boolean; text: string } {
    if (this.unsaved.length === 0 && this.stored.snapshot) return { append: true, text: '' };
    const lines = this.unsaved;
    this.unsaved = [];
    if (this.stored.snapshot && this.stored.logLength + lines.length <= maxLog) {
      this.stored.logLength += lines.length;
      return { append: true, text: `\n${lines.join('\n')}` };
    }
    this.stored = { snapshot: true, logLength: 0 };
    return { append: false, text: encodeSnapshot(this) };
  }

  apply(event: FeatureEvent, graceMs: number): void {
    this.applyEvent(event, graceMs);
    this.rememberId(event.eventId);
    this.unsaved.push(eventLine(event));
  }

  /** Records an event's id without applying it to the windows (a chargeback: the user's label, not activity). */
  remember(event: FeatureEvent): void {
    this.rememberId(event.eventId);
    this.unsaved.push(eventLine(event));
  }

  /**
   * Whether the event was applied lately. A producer that crashed between publishing and being
   * told so publishes again: the copy has a new offset but the same id, and comes soon after.
   */
  hasSeen(eventId: string): boolean {
    return this.recentEventHashes.includes(eventIdHash(eventId));
  }

  private rememberId(eventId: string): void {
    rememberRecent(this.recentEventHashes, eventIdHash(eventId), RECENT_EVENT_IDS);
  }

  private applyEvent(event: LoggedEvent, graceMs: number): void {
    const horizon = Math.max(this.watermark, event.time) - graceMs;
    for (const tier of TIERS) {
      const bucket = bucketOf(event.time, tier);
      const buckets = this.buckets[tier.index];
      const slot = buckets.slot(bucket);
      buckets.increment(slot, UserMeasure.Events, 1);
      if (event.type === 'transaction') {
        buckets.increment(slot, UserMeasure.Transactions, 1);
        buckets.increment(slot, UserMeasure.TransactionCents, Math.round(event.amount * 100));
      }
      if (event.type === 'login') buckets.increment(slot, UserMeasure.Logins, 1);
    }
    this.prev = addOccurrence(this.prev, event.time, timeOfTime, horizon);
    if (event.latitude !== null && event.longitude !== null) {
      this.located = addOccurrence(this.located, [event.time, event.latitude, event.longitude], timeOfLocated, horizon);
    }
    this.see('c', event.country, event.time, horizon);
    this.see('v', event.deviceId, event.time, horizon);
    this.see('i', event.ip, event.time, horizon);
    if (event.time > this.watermark) {
      const minute = TIERS[0];
      const newMinute = bucketOf(event.time, minute) !== bucketOf(this.watermark, minute);
      this.watermark = event.time;
      if (newMinute) this.expire(); // nothing can expire while the watermark stays in its minute
    }
  }

  /** Sum of one measure over the `count` buckets of `tier` ending with `time`'s bucket. */
  sum(tier: Tier, time: number, count: number, measure: UserMeasure): number {
    const last = bucketOf(time, tier);
    return this.buckets[tier.index].sum(last - count + 1, last, measure);
  }

  /** How many distinct values of a kind were seen in the `count` buckets of `tier` ending with `time`'s bucket. */
  distinct(kind: ValueKind, tier: Tier, time: number, count: number): number {
    const last = bucketOf(time, tier);
    const first = last - count + 1;
    const end = (last + 1) * tier.bucketMs - 1;
    let distinct = 0;
    for (const times of this.values[kind].values()) {
      // The latest occurrence whose bucket is not after the window's last one.
      const latest = latestAtOrBefore(times, end, timeOfTime);
      if (latest !== undefined && bucketOf(latest, tier) >= first) distinct++;
    }
    return distinct;
  }

  has(kind: ValueKind, value: string): boolean {
    return this.values[kind].has(value);
  }

  previousTime(time: number): number | undefined {
    return latestAtOrBefore(this.prev, time, timeOfTime);
  }

  previousLocated(time: number): Located | undefined {
    return latestAtOrBefore(this.located, time, timeOfLocated);
  }

  private see(kind: ValueKind, value: string | null, time: number, horizon: number): void {
    if (value === null) return;
    const values = this.values[kind];
    values.set(value, addOccurrence(values.get(value) ?? [], time, timeOfTime, horizon));
  }

  /** Drops buckets and values no window can reach any more, by event time (replays expire the same way). */
  private expire(): void {
    for (const tier of TIERS) {
      this.buckets[tier.index].dropThrough(bucketOf(this.watermark, tier) - tier.maxWindowMs / tier.bucketMs);
    }
    const day = TIERS[TIERS.length - 1];
    const oldestTime = (bucketOf(this.watermark, day) - day.maxWindowMs / day.bucketMs + 1) * day.bucketMs;
    for (const kind of KINDS) {
      for (const [value, times] of this.values[kind]) {
        if (times[times.length - 1] < oldestTime) this.values[kind].delete(value);
      }
    }
  }
}
