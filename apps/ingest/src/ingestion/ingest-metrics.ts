import { Counter } from 'prom-client';
import { EVENT_IN_FIELDS, type EnrichedEvent } from '@app/contracts';

/** A rejection is counted under the event field it names. */
const EVENT_FIELDS: ReadonlySet<string> = new Set(EVENT_IN_FIELDS);

/**
 * What a rejection is counted by: the event field its reason names, `json` for a line that is not
 * JSON, `unknown_field` for a field the schema does not have (whatever its name: a label's values must
 * stay few), `event` for the rest.
 */
export function rejectionCause(reason: string): string {
  if (reason.startsWith('not valid JSON')) return 'json';
  if (reason.endsWith(': is not a field of an event')) return 'unknown_field';
  const field = /^([A-Za-z]+)[.:]/.exec(reason)?.[1];
  return field !== undefined && EVENT_FIELDS.has(field) ? field : 'event';
}

const events = new Counter({
  name: 'ingest_events_total',
  help: 'Events ingest took in, by where from and what became of them (accepted, duplicate, rejected)',
  labelNames: ['source', 'outcome'],
});
const rejections = new Counter({
  name: 'ingest_rejections_total',
  help: 'Rejected events by the field their first reason names (json: not JSON; unknown_field: a field the schema lacks)',
  labelNames: ['source', 'cause'],
});

export function countIngested(source: EnrichedEvent['source'], outcome: { accepted: number; duplicates: number; rejected: number }): void {
  if (outcome.accepted > 0) events.inc({ source, outcome: 'accepted' }, outcome.accepted);
  if (outcome.duplicates > 0) events.inc({ source, outcome: 'duplicate' }, outcome.duplicates);
  if (outcome.rejected > 0) events.inc({ source, outcome: 'rejected' }, outcome.rejected);
}

export function countRejection(source: EnrichedEvent['source'], reasons: string[]): void {
  rejections.inc({ source, cause: rejectionCause(reasons[0] ?? '') });
}
