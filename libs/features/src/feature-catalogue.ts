import { DEFAULT_DISPUTE_HORIZON_MS } from './chargeback-resolution';
import { distanceKm } from './geo-distance';
import type { FeatureEvent } from './feature-event';
import { MERCHANT_TIERS, type MerchantState } from './merchant-state';
import { UserMeasure, VALUE_KINDS, type UserState } from './user-state';
import { MAX_WINDOW_MS, parseWindow, TIERS, type Window } from './windows';

export interface FeatureConfig {
  /** How far behind a user's latest event an event may be and still update windows. */
  graceMs: number;
  /** How long fraud labels take to arrive: merchant fraud rates use windows ending this long before the event. */
  labelDelayMs: number;
  /** How long after a transaction a chargeback naming it is resolved to it (resolveChargeback). */
  disputeHorizonMs: number;
}

/** The scoring service's defaults (SCORING_GRACE_MS, SCORING_LABEL_DELAY_DAYS, SCORING_DISPUTE_HORIZON_DAYS), which training uses too. */
export const DEFAULT_FEATURE_CONFIG: FeatureConfig = { graceMs: 10 * 60_000, labelDelayMs: 7 * 86_400_000, disputeHorizonMs: DEFAULT_DISPUTE_HORIZON_MS };

/** What a feature reads for one event; `before` holds facts taken before the event was applied. */
export interface FeatureContext {
  event: FeatureEvent;
  user: UserState;
  merchant: MerchantState | null;
  before: { previousTime: number | undefined; previousLocated: [number, number, number] | undefined; newDevice: boolean; newCountry: boolean };
  config: FeatureConfig;
}

export type FeatureFunction = (context: FeatureContext) => number;

const NEVER_SECONDS = MAX_WINDOW_MS / 1000;
/** Consecutive events closer than this are treated as this far apart, so a velocity stays finite. */
const MIN_TRAVEL_MS = 60_000;

const plain: Record<string, { describe: string; compute: FeatureFunction }> = {
  'event.amount': { describe: 'amount of the event (0 when it has none)', compute: ({ event }) => event.amount },
  'event.is_transaction': { describe: '1 for a transaction', compute: ({ event }) => Number(event.type === 'transaction') },
  'event.is_night': { describe: '1 between 00:00 and 06:00 UTC', compute: ({ event }) => Number(new Date(event.time).getUTCHours() < 6) },
  'event.is_weekend': { describe: '1 on Saturday or Sunday (UTC)', compute: ({ event }) => Number([0, 6].includes(new Date(event.time).getUTCDay())) },
  'event.is_new_device': { describe: '1 when the device was not seen for this user in 30 days', compute: ({ before }) => Number(before.newDevice) },
  'event.is_new_country': { describe: '1 when the country was not seen for this user in 30 days', compute: ({ before }) => Number(before.newCountry) },
  'event.is_bot': { describe: '1 when the User-Agent is a bot', compute: ({ event }) => Number(event.isBot) },
  'event.ip_denylisted': { describe: '1 when the IP is on the deny-list', compute: ({ event }) => Number(event.ipDenylisted) },
  'event.device_denylisted': { describe: '1 when the device is on the deny-list', compute: ({ event }) => Number(event.deviceDenylisted) },
  'user.seconds_since_prev': {
    describe: `seconds since the user's previous event (${NEVER_SECONDS} when none in 30 days)`,
    compute: ({ event, before }) => (before.previousTime === undefined ? NEVER_SECONDS : (event.time - before.previousTime) / 1000),
  },
  'user.geo_velocity_kmh': {
    describe: 'km/h between the previous located event and this one (0 when either has no location)',
    compute: ({ event, before }) => {
      const previous = before.previousLocated;
      if (!previous || event.latitude === null || event.longitude === null) return 0;
      const hours = Math.max(event.time - previous[0], MIN_TRAVEL_MS) / 3_600_000;
      return distanceKm(previous[1], previous[2], event.latitude, event.longitude) / hours;
    },
  },
};

type Windowed = (window: Window) => FeatureFunction;
const userSum =
  (measure: UserMeasure): Windowed =>
  (w) =>
  ({ event, user }) =>
    user.sum(w.tier, event.time, w.buckets, measure);
const userMean: Windowed =
  (w) =>
  ({ event, user }) => {
    const count = user.sum(w.tier, event.time, w.buckets, UserMeasure.Transactions);
    return count === 0 ? 0 : user.sum(w.tier, event.time, w.buckets, UserMeasure.TransactionCents) / 100 / count;
  };
const distinct =
  (kind: keyof typeof VALUE_KINDS): Windowed =>
  (w) =>
  ({ event, user }) =>
    user.distinct(VALUE_KINDS[kind], w.tier, event.time, w.buckets);
/** An event without a merchant (a single shop has none) has no merchant features: NaN, the model's "missing". */
const merchantSum =
  (count: 't' | 'f', delayed: boolean): Windowed =>
  (w) =>
  ({ event, merchant, config }) =>
    merchant ? merchant.sum(count, w.tier, event.time, w.buckets, delayed ? config.labelDelayMs : 0) : Number.NaN;

const windowed: Record<string, { describe: string; compute: Windowed; merchant?: boolean }> = {
  'user.event_count': { describe: 'events of any type', compute: userSum(UserMeasure.Events) },
  'user.tx_count': { describe: 'transactions', compute: userSum(UserMeasure.Transactions) },
  'user.tx_amount_sum': {
    describe: 'transaction amounts, summed',
    compute:
      (w) =>
      ({ event, user }) =>
        user.sum(w.tier, event.time, w.buckets, UserMeasure.TransactionCents) / 100,
  },
  'user.tx_amount_mean': { describe: 'mean transaction amount (0 with none)', compute: userMean },
  'user.login_count': { describe: 'logins', compute: userSum(UserMeasure.Logins) },
  'user.amount_to_mean': {
    describe: "this event's amount over the window's mean transaction amount (0 with none)",
    compute: (w) => {
      const mean = userMean(w);
      return (context) => {
        const m = mean(context);
        return m === 0 ? 0 : context.event.amount / m;
      };
    },
  },
  'user.distinct_countries': { describe: 'distinct countries', compute: distinct('countries') },
  'user.distinct_devices': { describe: 'distinct device ids', compute: distinct('devices') },
  'user.distinct_ips': { describe: 'distinct IP addresses', compute: distinct('ips') },
  'merchant.tx_count': { describe: "the merchant's transactions", compute: merchantSum('t', false), merchant: true },
  'merchant.labelled_tx_count': {
    describe: "the merchant's transactions in the window ending the label delay before the event",
    compute: merchantSum('t', true),
    merchant: true,
  },
  'merchant.fraud_rate': {
    describe: "share of the merchant's transactions later charged back, in the window ending the label delay before the event",
    merchant: true,
    compute: (w) => {
      const frauds = merchantSum('f', true)(w);
      const all = merchantSum('t', true)(w);
      return (context) => {
        const n = all(context);
        return n === 0 ? 0 : frauds(context) / n; // NaN without a merchant
      };
    },
  },
};

export interface FeatureDescription {
  name: string;
  description: string;
}

/** Every feature family, for the API and docs: plain names, and `<family>.<window>` for windowed ones. */
export function describeCatalogue(): FeatureDescription[] {
  return [
    ...Object.entries(plain).map(([name, f]) => ({ name, description: f.describe })),
    ...Object.entries(windowed).map(([name, f]) => ({ name: `${name}.<window>`, description: `${f.describe} in the window (e.g. 10m, 1h, 7d)` })),
  ];
}

/** The function computing a feature named in a manifest or rule, or why there is none. */
export function compileFeature(name: string): FeatureFunction | string {
  if (plain[name]) return plain[name].compute;
  const dot = name.lastIndexOf('.');
  const family = windowed[name.slice(0, dot)];
  if (dot < 0 || !family) return `unknown feature "${name}" (see GET /v1/features)`;
  const window = parseWindow(name.slice(dot + 1), family.merchant ? MERCHANT_TIERS : TIERS);
  if (typeof window === 'string') return `${name}: ${window}`;
  return family.compute(window);
}
