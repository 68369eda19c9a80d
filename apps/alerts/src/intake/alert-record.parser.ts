import { recordJson, type BusRecord } from '@app/bus';
import type { Alert } from '@app/contracts';

/** The alert a record carries, or why it carries none. */
export function parseAlertRecord(record: BusRecord): Alert | string {
  const value = recordJson(record);
  if (typeof value === 'string') return value;
  for (const field of ['alertId', 'eventId', 'userId', 'eventType'] as const) {
    if (typeof value[field] !== 'string' || (value[field] as string).length === 0) return `${field} is required`;
  }
  if (typeof value.score !== 'number' || !(value.score >= 0 && value.score <= 1)) return 'score must be a number in [0, 1]';
  if (!Array.isArray(value.reasons)) return 'reasons must be a list';
  return value as unknown as Alert;
}
