import { isIP } from 'node:net';
import { EVENT_TYPES, MONETARY_EVENT_TYPES } from './event-types';
import {
  CURRENCY,
  ID,
  MAX_AMOUNT,
  MAX_PROPERTIES,
  MAX_PROPERTIES_BYTES,
  MAX_PROPERTY_NAME,
  MAX_PROPERTY_STRING,
  MAX_USER_AGENT,
  instantProblem,
  isStorableText,
  type EventIn,
  EVENT_IN_FIELDS,
  type EventTimeBounds,
} from './event-in.schema';

const TYPES: ReadonlySet<unknown> = new Set(EVENT_TYPES);
const MONETARY: ReadonlySet<unknown> = new Set(MONETARY_EVENT_TYPES);
const ID_FIELDS = ['eventId', 'deviceId', 'sessionId', 'merchantId'] as const;
const KNOWN_FIELDS: ReadonlySet<string> = new Set(EVENT_IN_FIELDS);

const absent = (value: unknown) => value === undefined;

/**
 * True only for an event the zod schema (eventInSchema) certainly accepts unchanged. The schema stays
 * the contract and the source of every rejection reason; this check lets the valid majority skip
 * zod, whose parse costs ~8 µs and a copy of every event. Anything doubtful answers false and goes
 * through zod. A differential test over generated events keeps the two in agreement.
 */
export function passesFastCheck(input: unknown, now: number, bounds: EventTimeBounds): input is EventIn {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const event = input as Record<string, unknown>;
  for (const key in event) if (!KNOWN_FIELDS.has(key)) return false;
  if (Object.getPrototypeOf(event) !== Object.prototype) return false;

  if (!TYPES.has(event.type)) return false;
  if (typeof event.userId !== 'string' || !ID.test(event.userId)) return false;
  if (typeof event.occurredAt !== 'string' || instantProblem(event.occurredAt, now, bounds) !== undefined) return false;
  for (const field of ID_FIELDS) {
    const value = event[field];
    if (!absent(value) && (typeof value !== 'string' || !ID.test(value))) return false;
  }
  const { ip, userAgent, amount, currency, properties } = event;
  if (!absent(ip) && (typeof ip !== 'string' || ip.length > 45 || isIP(ip) === 0)) return false;
  if (!absent(userAgent) && (typeof userAgent !== 'string' || userAgent.length > MAX_USER_AGENT || !isStorableText(userAgent))) return false;
  if (!absent(amount) && (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0 || amount > MAX_AMOUNT)) return false;
  if (!absent(currency) && (typeof currency !== 'string' || !CURRENCY.test(currency))) return false;
  if (!absent(properties) && !propertiesPass(properties)) return false;

  if (MONETARY.has(event.type)) {
    if (absent(amount) || absent(currency)) return false;
  } else if (!absent(amount) && absent(currency)) return false;
  if (event.type === 'chargeback' && typeof (properties as Record<string, unknown> | undefined)?.originalEventId !== 'string') return false;
  return true;
}

function propertiesPass(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  let count = 0;
  for (const [name, item] of Object.entries(value)) {
    if (++count > MAX_PROPERTIES || name.length > MAX_PROPERTY_NAME || !isStorableText(name)) return false;
    const ok =
      item === null ||
      typeof item === 'boolean' ||
      (typeof item === 'number' && Number.isFinite(item)) ||
      (typeof item === 'string' && item.length <= MAX_PROPERTY_STRING && isStorableText(item));
    if (!ok) return false;
  }
  return Buffer.byteLength(JSON.stringify(value)) <= MAX_PROPERTIES_BYTES;
}
