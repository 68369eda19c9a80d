import { scoredEventOf, type EnrichedEvent, type EventIn, type Score } from '@app/contracts';
import { uniqueName } from './test-env';

const AT = '2026-11-23T10:00:00Z';

/**
 * The records tests build, each valid as it stands and changed only where `over` says: a test names
 * what matters to it and no more. Ids are fresh on every call (tests share topics and databases).
 */

/** An event as a client sends it: a login of u1. */
export const eventIn = (over: Partial<EventIn> = {}): EventIn => ({ type: 'login', userId: 'u1', occurredAt: AT, ...over });

/** An event as ingest publishes it: a login of u1 in which enrichment found nothing, received when it occurred. */
export const enrichedEvent = (over: Partial<EnrichedEvent> = {}): EnrichedEvent => ({
  eventId: uniqueName('e'),
  type: 'login',
  userId: 'u1',
  occurredAt: AT,
  receivedAt: over.occurredAt ?? AT,
  source: 'http',
  geo: null,
  ua: null,
  merchant: null,
  flags: [],
  ...over,
});

/** A score as scoring publishes it: u1's event allowed at 0.1, no alert. */
export const score = (over: Partial<Score> = {}): Score => ({
  eventId: uniqueName('e'),
  userId: 'u1',
  occurredAt: AT,
  model: { id: 'm', version: '1' },
  score: 0.1,
  decision: 'allow',
  alert: false,
  reasons: [],
  scoredAt: over.occurredAt ?? AT,
  ...over,
});

/** The Score scoring publishes for an event (allowed at 0.1 unless `over` says), with the event's brief: what profiles fold. */
export const scoreOf = (event: EnrichedEvent, over: Partial<Score> = {}): Score =>
  score({ eventId: event.eventId, userId: event.userId, occurredAt: event.occurredAt, event: scoredEventOf(event), ...over });
