import { recordJson, type BusRecord } from '@app/bus';
import type { EnrichedEvent } from '@app/contracts';

/** The enriched event in a record, or why it cannot be scored. Ingest validated the rest. */
export function parseEnrichedRecord(record: BusRecord): EnrichedEvent | string {
  const value = recordJson(record);
  if (typeof value === 'string') return value;
  for (const field of ['eventId', 'userId', 'type', 'occurredAt'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') return `${field} is required`;
  }
  if (Number.isNaN(Date.parse(value.occurredAt as string))) return 'occurredAt must be a time';
  if (value.amount !== undefined && (typeof value.amount !== 'number' || !Number.isFinite(value.amount))) return 'amount must be a number';
  return value as unknown as EnrichedEvent;
}
