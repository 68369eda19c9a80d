import type { BusRecord } from './bus.port';

/** A record's value as a JSON object, or why it is not one (a dead letter's reason). */
export function recordJson(record: BusRecord): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    return `invalid JSON: ${(error as Error).message}`;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : 'not a JSON object';
}
