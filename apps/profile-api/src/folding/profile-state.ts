/** A user's profile as the stream has folded it so far: plain data, what the profiles table holds. */
export interface ProfileState {
  userId: string;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  eventCount: number;
  countsByType: Record<string, number>;
  transactionCount: number;
  /** Sum of transaction amounts, in the events' own currencies (DESIGN.md's events carry one currency per merchant). */
  totalAmount: number;
  lastCountry: string | null;
  lastCity: string | null;
  /** Event time of the located event lastCountry/lastCity came from: later ones win, whatever the arrival order. */
  lastLocatedAt: number | null;
  /** Distinct countries and devices, most recently seen last, at most PROFILE_LIMITS each. */
  countries: string[];
  devices: string[];
  /** Page views per category, at most PROFILE_LIMITS.categories categories (the least viewed give way). */
  pageCategories: Record<string, number>;
  lastRiskScore: number | null;
  lastScoredAt: number | null;
  alertCount: number;
  /**
   * The events whose alerts were counted most recently (at most PROFILE_LIMITS.recentAlerts). Scoring
   * re-publishes a batch's scores after a crash between publishing and storing its state; those copies
   * sit at new offsets, so only their event id tells them apart.
   */
  recentAlertEventIds: string[];
  /**
   * The ids of the latest folded events (at most PROFILE_LIMITS.recentEvents). Ingest publishes an
   * event again when it crashed between publishing it and answering; the copy comes soon after, at a
   * new offset, so only its id tells it apart.
   */
  recentEventIds: string[];
}

export const PROFILE_LIMITS = { countries: 20, devices: 20, categories: 50, topCategories: 5, recentAlerts: 50, recentEvents: 32 } as const;

export type RiskBand = 'low' | 'medium' | 'high' | 'unknown';
export type Segment = 'high_value' | 'at_risk' | 'new' | 'multi_country';
export const SEGMENTS: readonly Segment[] = ['high_value', 'at_risk', 'new', 'multi_country'];
export const RISK_BAND_NAMES: readonly RiskBand[] = ['low', 'medium', 'high', 'unknown'];

/** Score thresholds of the risk bands: [0, 0.3) low, [0.3, 0.7) medium, [0.7, 1] high. */
export const RISK_BANDS = { medium: 0.3, high: 0.7 } as const;

export function emptyProfile(userId: string): ProfileState {
  return {
    userId, firstSeenAt: null, lastSeenAt: null, eventCount: 0, countsByType: {}, transactionCount: 0, totalAmount: 0,
    lastCountry: null, lastCity: null, lastLocatedAt: null, countries: [], devices: [], pageCategories: {},
    lastRiskScore: null, lastScoredAt: null, alertCount: 0, recentAlertEventIds: [], recentEventIds: [],
  };
}
