import { eventIdHash, rememberRecent, type Score, type ScoredEvent } from '@app/contracts';
import { PROFILE_LIMITS, RISK_BANDS, type ProfileState, type RiskBand, type Segment } from './profile-state';

/** What folding reads of an event: the brief its Score carries (ScoredEvent), with its id and time. */
export type EventFacts = ScoredEvent & Pick<Score, 'eventId' | 'occurredAt'>;

/** What folding reads of a score. */
export type ScoreFacts = Pick<Score, 'eventId' | 'occurredAt' | 'score' | 'alert' | 'modelScored'>;

/** The event a Score names, or null when the Score carries no brief of it (written by an older scoring). */
export function eventFacts({ eventId, occurredAt, event }: Score): EventFacts | null {
  return event ? { ...event, eventId, occurredAt } : null;
}

export function scoreFacts({ eventId, occurredAt, score, alert, modelScored }: Score): ScoreFacts {
  return modelScored === false ? { eventId, occurredAt, score, alert, modelScored } : { eventId, occurredAt, score, alert };
}

/**
 * Folding is order-insensitive where the stream is: counts and sums add up in any order, first/last
 * seen are min/max of event time, and "last" facts (country, risk score) come from the latest event
 * time, not the latest arrival. The caller applies each record once (offsets recorded with the state);
 * a copy of a recent event at another offset is recognised by its id.
 * Each fold returns a new state; the input is not changed.
 */
export function foldEvent(state: ProfileState, event: EventFacts): ProfileState {
  const hash = eventIdHash(event.eventId);
  if (state.recentEventHashes.includes(hash)) return state; // a copy published twice
  const at = Date.parse(event.occurredAt);
  const next: ProfileState = {
    ...state,
    recentEventHashes: withRecent(state.recentEventHashes, hash, PROFILE_LIMITS.recentEvents),
    firstSeenAt: state.firstSeenAt === null ? at : Math.min(state.firstSeenAt, at),
    lastSeenAt: state.lastSeenAt === null ? at : Math.max(state.lastSeenAt, at),
    eventCount: state.eventCount + 1,
    countsByType: { ...state.countsByType, [event.type]: (state.countsByType[event.type] ?? 0) + 1 },
  };
  if (event.type === 'transaction') {
    next.transactionCount = state.transactionCount + 1;
    next.totalAmount = roundCents(state.totalAmount + (event.amount ?? 0));
  }
  const country = event.country ?? null;
  if (country) {
    if (state.lastLocatedAt === null || at >= state.lastLocatedAt) {
      next.lastCountry = country;
      next.lastCity = event.city ?? null;
      next.lastLocatedAt = at;
    }
    next.countries = withRecent(state.countries, country, PROFILE_LIMITS.countries);
  }
  if (event.deviceType !== undefined && (state.lastDeviceTypeAt === null || at >= state.lastDeviceTypeAt)) {
    next.lastDeviceType = event.deviceType;
    next.lastDeviceTypeAt = at;
  }
  if (event.deviceId) next.devices = withRecent(state.devices, event.deviceId, PROFILE_LIMITS.devices);
  if (event.pageCategory) next.pageCategories = countCategory(state.pageCategories, event.pageCategory);
  return next;
}

export function foldScore(state: ProfileState, score: ScoreFacts): ProfileState {
  const at = Date.parse(score.occurredAt);
  const next: ProfileState = { ...state };
  const alertHash = score.alert ? eventIdHash(score.eventId) : undefined;
  if (alertHash !== undefined && !state.recentAlertEventHashes.includes(alertHash)) {
    next.alertCount = state.alertCount + 1;
    next.recentAlertEventHashes = withRecent(state.recentAlertEventHashes, alertHash, PROFILE_LIMITS.recentAlerts);
  }
  // The risk score is the model's: an event of a type it does not score (the rules judged it alone) leaves it.
  if (score.modelScored !== false && (state.lastScoredAt === null || at >= state.lastScoredAt)) {
    next.lastRiskScore = score.score;
    next.lastScoredAt = at;
  }
  return next;
}

export function riskBandOf(state: ProfileState): RiskBand {
  if (state.lastRiskScore === null) return 'unknown';
  if (state.lastRiskScore >= RISK_BANDS.high) return 'high';
  if (state.lastRiskScore >= RISK_BANDS.medium) return 'medium';
  return 'low';
}

/**
 * Thresholds of the simple segments (docs/profiles.md). Segments depend on the folded state only, not
 * on the clock, so the stored ones that GET /v1/profiles filters on are never stale.
 */
export const SEGMENT_RULES = { highValueAmount: 1_000, highValueTransactions: 20, newUpToEvents: 5, multiCountryFrom: 3 } as const;

export function segmentsOf(state: ProfileState): Segment[] {
  const segments: Segment[] = [];
  if (state.totalAmount >= SEGMENT_RULES.highValueAmount || state.transactionCount >= SEGMENT_RULES.highValueTransactions) segments.push('high_value');
  if (riskBandOf(state) === 'high' || state.alertCount > 0) segments.push('at_risk');
  if (state.eventCount <= SEGMENT_RULES.newUpToEvents) segments.push('new');
  if (state.countries.length >= SEGMENT_RULES.multiCountryFrom) segments.push('multi_country');
  return segments;
}

/** The most viewed categories, most first (ties by name, so the answer is stable). */
export function topCategories(state: ProfileState, limit: number = PROFILE_LIMITS.topCategories): string[] {
  return Object.entries(state.pageCategories)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, limit)
    .map(([name]) => name);
}

// Money in the sum stays in cents: 0.1 + 0.2 must read 0.3.
const roundCents = (value: number) => Math.round(value * 100) / 100;

/** A copy of `list` with `value` as its latest: folds return new states and leave their input alone. */
function withRecent<T>(list: T[], value: T, limit: number): T[] {
  const next = [...list];
  rememberRecent(next, value, limit);
  return next;
}

function countCategory(counts: Record<string, number>, category: string): Record<string, number> {
  const next = { ...counts, [category]: (counts[category] ?? 0) + 1 };
  const names = Object.keys(next);
  if (names.length > PROFILE_LIMITS.categories) {
    const [least] = names.filter((n) => n !== category).sort((a, b) => next[a] - next[b] || a.localeCompare(b));
    delete next[least];
  }
  return next;
}
