/**
 * Windows are bucketed in event time (DESIGN.md, "Time"): a window of n buckets holds the event's
 * own bucket and the n - 1 before it, online and offline alike. Three tiers keep state small: a
 * user who pays daily holds ~30 day buckets, not 43,200 minutes.
 */
export interface Tier {
  /** Position in TIERS: state keeps one bucket map per tier. */
  index: 0 | 1 | 2;
  name: 'minute' | 'hour' | 'day';
  /** Field prefix in a state hash: one letter, so fields stay short. */
  prefix: 'm' | 'h' | 'd';
  bucketMs: number;
  /** Longest window the tier serves (and so how many buckets an entity keeps, plus any label delay). */
  maxWindowMs: number;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const TIERS: readonly Tier[] = [
  { index: 0, name: 'minute', prefix: 'm', bucketMs: MINUTE, maxWindowMs: HOUR },
  { index: 1, name: 'hour', prefix: 'h', bucketMs: HOUR, maxWindowMs: DAY },
  { index: 2, name: 'day', prefix: 'd', bucketMs: DAY, maxWindowMs: 30 * DAY },
];

export const MAX_WINDOW_MS = 30 * DAY;

export interface Window {
  /** As written in feature names: `10m`, `1h`, `7d`. */
  label: string;
  ms: number;
  tier: Tier;
  /** Buckets in the window, the event's own included. */
  buckets: number;
}

const UNITS: Record<string, number> = { m: MINUTE, h: HOUR, d: DAY };

/** Parses `10m`, `1h`, `30d` into a window on the finest tier whose buckets divide it, or says why not. */
export function parseWindow(label: string, tiers: readonly Tier[] = TIERS): Window | string {
  const match = /^([1-9]\d{0,3})([mhd])$/.exec(label);
  if (!match) return `window "${label}" must be a number and a unit m, h or d, e.g. 10m, 1h, 7d`;
  const ms = Number(match[1]) * UNITS[match[2]];
  const tier = tiers.find((t) => ms <= t.maxWindowMs && ms % t.bucketMs === 0);
  if (!tier) return `window "${label}" is not served: ${tiers.map(describeTier).join(', ')}`;
  return { label, ms, tier, buckets: ms / tier.bucketMs };
}

const describeTier = (t: Tier) => `up to ${t.maxWindowMs / t.bucketMs}${t.prefix} in whole ${t.name}s`;

export const bucketOf = (time: number, tier: Tier) => Math.floor(time / tier.bucketMs);
