import { recordJson, type BusRecord } from '@app/bus';
import type { EnrichedEvent, Score } from '@app/contracts';

export type StreamItem = { kind: 'event'; userId: string; event: EnrichedEvent } | { kind: 'score'; userId: string; score: Score };

/**
 * The profile-relevant reading of a record from events.enriched or scores, or why it has none.
 * Only what folding relies on is checked: the producers validated the rest.
 */
export function parseStreamRecord(record: BusRecord, kind: StreamItem['kind']): StreamItem | string {
  const value = recordJson(record);
  if (typeof value === 'string') return value;
  if (typeof value.userId !== 'string' || value.userId.length === 0) return 'userId is required';
  if (typeof value.occurredAt !== 'string' || Number.isNaN(Date.parse(value.occurredAt))) return 'occurredAt must be a time';
  if (kind === 'event') {
    if (typeof value.type !== 'string') return 'type is required';
    if (value.amount !== undefined && (typeof value.amount !== 'number' || !Number.isFinite(value.amount))) return 'amount must be a number';
    return { kind, userId: value.userId, event: value as unknown as EnrichedEvent };
  }
  if (typeof value.score !== 'number' || !(value.score >= 0 && value.score <= 1)) return 'score must be a number in [0, 1]';
  return { kind, userId: value.userId, score: value as unknown as Score };
}
