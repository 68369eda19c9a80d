import { asEventIdHashes } from '@app/contracts';

/**
 * How one field of a profile is stored: its column, the column's Postgres type, its value in a profile
 * never seen, and the conversion from what node-postgres returns. The upsert writes the state's values
 * as they are (profile.repository.ts: jsonb as JSON, timestamptz from ms since the epoch).
 */
export interface ProfileField<T> {
  column: string;
  sqlType: 'text' | 'int' | 'float8' | 'timestamptz' | 'jsonb';
  initial(): T;
  fromSql(value: unknown): T;
}

const same = <T>(column: string, sqlType: ProfileField<T>['sqlType'], initial: () => T): ProfileField<T> => ({
  column,
  sqlType,
  initial,
  fromSql: (v) => v as T,
});
const text = (column: string) => same<string>(column, 'text', () => '');
const optionalText = (column: string) => same<string | null>(column, 'text', () => null);
const count = (column: string) => same<number>(column, 'int', () => 0);
const amount = (column: string) => same<number>(column, 'float8', () => 0);
const optionalNumber = (column: string) => same<number | null>(column, 'float8', () => null);
/** An event time, ms since the epoch in the state and in the upsert, timestamptz in the row. */
const instant = (column: string): ProfileField<number | null> => ({
  ...same<number | null>(column, 'timestamptz', () => null),
  fromSql: (v) => (v === null ? null : (v as Date).getTime()),
});
const json = <T>(column: string, initial: () => T): ProfileField<T> => same<T>(column, 'jsonb', initial);

/**
 * Hashes of event ids (eventIdHash) as jsonb numbers. The columns keep the names they had when they held
 * the ids themselves, and such rows are hashed on reading: instances of either release can then share
 * the table during a rolling upgrade (an older one misses a copy at worst).
 */
const eventHashes = (column: string): ProfileField<number[]> => ({
  ...same<number[]>(column, 'jsonb', () => []),
  fromSql: (v) => asEventIdHashes(v as Array<number | string>),
});

/**
 * A user's profile as the stream folds it, field by field: the one definition the state's type, a new
 * profile, the profiles table's upsert and its reading derive from. A new field is a line here, its
 * fold (fold-profile.ts), a migration adding its column, and, if the API shows it, profile.view.ts.
 */
export const PROFILE_FIELDS = {
  userId: text('user_id'),
  firstSeenAt: instant('first_seen_at'),
  lastSeenAt: instant('last_seen_at'),
  eventCount: count('event_count'),
  countsByType: json<Record<string, number>>('counts_by_type', () => ({})),
  transactionCount: count('transaction_count'),
  /** Sum of transaction amounts, in the events' own currencies (DESIGN.md's events carry one currency per merchant). */
  totalAmount: amount('total_amount'),
  lastCountry: optionalText('last_country'),
  lastCity: optionalText('last_city'),
  /** Event time of the located event lastCountry/lastCity came from: later ones win, whatever the arrival order. */
  lastLocatedAt: instant('last_located_at'),
  /** Device type (desktop, mobile, ...) of the event with the latest event time that had a User-Agent, and that time. */
  lastDeviceType: optionalText('last_device_type'),
  lastDeviceTypeAt: instant('last_device_type_at'),
  /** Distinct countries and devices, most recently seen last, at most PROFILE_LIMITS each. */
  countries: json<string[]>('countries', () => []),
  devices: json<string[]>('devices', () => []),
  /** Page views per category, at most PROFILE_LIMITS.categories categories (the least viewed give way). */
  pageCategories: json<Record<string, number>>('page_categories', () => ({})),
  lastRiskScore: optionalNumber('last_risk_score'),
  lastScoredAt: instant('last_scored_at'),
  alertCount: count('alert_count'),
  /**
   * The events whose alerts were counted most recently (at most PROFILE_LIMITS.recentAlerts), as
   * eventIdHash values. Scoring re-publishes a batch's scores after a crash between publishing and
   * storing its state; those copies sit at new offsets, so only their event id tells them apart.
   */
  recentAlertEventHashes: eventHashes('recent_alert_event_ids'),
  /**
   * The latest folded events (at most PROFILE_LIMITS.recentEvents), as eventIdHash values. Ingest
   * publishes an event again when it crashed between publishing it and answering; the copy comes soon
   * after, at a new offset, so only its id tells it apart.
   */
  recentEventHashes: eventHashes('recent_event_ids'),
};

type FieldValue<F> = F extends ProfileField<infer T> ? T : never;

/** A user's profile as the stream has folded it so far: plain data, what the profiles table holds. */
export type ProfileState = { [K in keyof typeof PROFILE_FIELDS]: FieldValue<(typeof PROFILE_FIELDS)[K]> };

export const PROFILE_FIELD_ENTRIES = Object.entries(PROFILE_FIELDS) as Array<[keyof ProfileState, ProfileField<unknown>]>;

export const PROFILE_LIMITS = { countries: 20, devices: 20, categories: 50, topCategories: 5, recentAlerts: 50, recentEvents: 32 } as const;

export type RiskBand = 'low' | 'medium' | 'high' | 'unknown';
export type Segment = 'high_value' | 'at_risk' | 'new' | 'multi_country';
export const SEGMENTS: readonly Segment[] = ['high_value', 'at_risk', 'new', 'multi_country'];
export const RISK_BAND_NAMES: readonly RiskBand[] = ['low', 'medium', 'high', 'unknown'];

/** Score thresholds of the risk bands: [0, 0.3) low, [0.3, 0.7) medium, [0.7, 1] high. */
export const RISK_BANDS = { medium: 0.3, high: 0.7 } as const;

export function emptyProfile(userId: string): ProfileState {
  const state = {} as Record<keyof ProfileState, unknown>;
  for (const [name, field] of PROFILE_FIELD_ENTRIES) state[name] = field.initial();
  state.userId = userId;
  return state as ProfileState;
}
