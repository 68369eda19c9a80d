import { isIP } from 'node:net';
import { z } from 'zod';
import { EVENT_TYPES, MONETARY_EVENT_TYPES } from './event-types';

/** How far from the receiving clock an event's time may be: outside these it is rejected, not flagged. */
export interface EventTimeBounds {
  /** Clock skew tolerated for events "from the future". */
  maxFutureMs: number;
  /** Oldest event accepted: backfills of last month are normal, of 1970 are a bug. */
  maxAgeMs: number;
}

export const DEFAULT_EVENT_TIME_BOUNDS: EventTimeBounds = { maxFutureMs: 5 * 60_000, maxAgeMs: 400 * 24 * 3600_000 };

export const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const identifier = (what: string) =>
  z.string({ invalid_type_error: `must be a string (${what})` }).regex(ID, `must be 1-128 letters, digits or . _ : @ - (${what})`);
// ISO-8601 with a date, a time and an explicit zone: a zone-less time means different instants to different readers.
// Its date and time fields have fixed widths and places (a zone, when not Z, is the last six characters).
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * True for an ISO-8601 time with a zone that names a real instant (no bounds: see instantProblem). Every
 * consumer checks the times of every record it decodes: by arithmetic on the text's digits, since
 * Date.parse took ~400 ns a call (and rolls 2026-02-30 over to March 2nd rather than refusing it).
 */
export const isInstant = (text: string) => ISO_INSTANT.test(text) && isRealDateAndTime(text);

/** Why `text` is not an acceptable event time, or undefined. Checks in order and reports the first problem. */
export function instantProblem(text: string, now: number, bounds: EventTimeBounds): string | undefined {
  if (!ISO_INSTANT.test(text)) return 'must be an ISO-8601 time with a zone, e.g. 2026-11-23T08:15:00Z';
  if (!isRealDateAndTime(text)) return 'is not a real date and time';
  const at = Date.parse(text);
  if (at > now + bounds.maxFutureMs) return `is more than ${bounds.maxFutureMs / 60_000} minutes in the future`;
  if (at < now - bounds.maxAgeMs) return `is more than ${Math.round(bounds.maxAgeMs / 86_400_000)} days in the past`;
  return undefined;
}

/** For text ISO_INSTANT matched: a day its month has, hours, minutes and seconds in range, and a zone within a day. */
function isRealDateAndTime(text: string): boolean {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (digits(text, 11, 2) > 23 || digits(text, 14, 2) > 59) return false;
  if (text.charCodeAt(16) === COLON && digits(text, 17, 2) > 59) return false;
  const end = text.length;
  return text.charCodeAt(end - 1) === LETTER_Z || (digits(text, end - 5, 2) <= 23 && digits(text, end - 2, 2) <= 59);
}

const COLON = 58;
const LETTER_Z = 90;
/** The number the `count` digits at `from` write (ISO_INSTANT has checked they are digits). */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number) => (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1]);
// A NUL, or half of a UTF-16 surrogate pair: Postgres's text and jsonb refuse both, and neither is Unicode text.
// eslint-disable-next-line no-control-regex -- NUL is the character this pattern exists to find
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True for text every store downstream keeps as sent (no NUL, no lone surrogate). */
export const isStorableText = (text: string) => !UNSTORABLE.test(text);
export const UNSTORABLE_TEXT = 'must not contain NUL characters or lone UTF-16 surrogates (they are not storable text)';

export const MAX_PROPERTIES_BYTES = 8 * 1024;
export const MAX_PROPERTIES = 50;
export const MAX_PROPERTY_NAME = 64;
export const MAX_PROPERTY_STRING = 1024;
export const MAX_USER_AGENT = 1024;
export const MAX_AMOUNT = 1e12;
export const CURRENCY = /^[A-Z]{3}$/;

const propertyValue = z.union([z.string().max(MAX_PROPERTY_STRING), z.number().finite(), z.boolean(), z.null()]);

/** The fields an event in may have (DESIGN.md, "Event in"): eventInSchema's, every other one refused. */
export const EVENT_IN_FIELDS = [
  'eventId',
  'type',
  'userId',
  'occurredAt',
  'ip',
  'userAgent',
  'deviceId',
  'sessionId',
  'amount',
  'currency',
  'merchantId',
  'properties',
] as const;

/**
 * The event a producer sends (POST /v1/events or events.raw). Unknown fields are rejected: a typo
 * such as `ammount` must come back to its sender, not vanish or travel on.
 */
export function eventInSchema(now: () => number, bounds: EventTimeBounds = DEFAULT_EVENT_TIME_BOUNDS) {
  return z
    .object(
      {
        eventId: identifier('eventId')
          .describe('Your id of the event (a payment id): send it, so that a retry is recognised. One is made up when absent.')
          .optional(),
        type: z.enum(EVENT_TYPES, { errorMap: () => ({ message: `must be one of ${EVENT_TYPES.join(', ')}` }) }),
        userId: identifier('userId').describe('The customer'),
        occurredAt: z
          .string({ invalid_type_error: 'must be an ISO-8601 time string' })
          .describe('When it happened: ISO-8601 with a zone, e.g. 2026-11-23T08:15:00Z')
          .superRefine((text, ctx) => {
            const problem = instantProblem(text, now(), bounds);
            if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
          }),
        ip: z
          .string()
          .max(45)
          .refine((ip) => isIP(ip) !== 0, 'must be an IPv4 or IPv6 address')
          .optional(),
        userAgent: z.string().max(MAX_USER_AGENT, `must be at most ${MAX_USER_AGENT} characters`).refine(isStorableText, UNSTORABLE_TEXT).optional(),
        deviceId: identifier('deviceId').optional(),
        sessionId: identifier('sessionId').optional(),
        amount: z
          .number({ invalid_type_error: 'must be a number' })
          .finite('must be finite')
          .min(0, 'must not be negative')
          .max(MAX_AMOUNT, 'must be at most 1e12')
          .describe('Required for transaction and refund')
          .optional(),
        currency: z.string().regex(CURRENCY, 'must be an ISO 4217 code such as EUR').describe('ISO 4217; required with amount').optional(),
        merchantId: identifier('merchantId').describe('The merchant or terminal (absent for a single shop)').optional(),
        properties: z
          .record(
            z
              .string()
              .max(MAX_PROPERTY_NAME, `property names must be at most ${MAX_PROPERTY_NAME} characters`)
              .refine(isStorableText, `property names ${UNSTORABLE_TEXT}`),
            propertyValue,
          )
          .refine((p) => Object.keys(p).length <= MAX_PROPERTIES, `must have at most ${MAX_PROPERTIES} entries`)
          .refine((p) => Buffer.byteLength(JSON.stringify(p)) <= MAX_PROPERTIES_BYTES, `must be at most ${MAX_PROPERTIES_BYTES} bytes as JSON`)
          .superRefine((p, ctx) => {
            for (const [name, value] of Object.entries(p)) {
              if (typeof value === 'string' && !isStorableText(value)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: UNSTORABLE_TEXT });
            }
          })
          .optional(),
      },
      { invalid_type_error: 'an event must be a JSON object' },
    )
    .strict()
    .superRefine((event, ctx) => {
      const monetary = MONETARY_EVENT_TYPES.includes(event.type);
      if (monetary) {
        for (const field of ['amount', 'currency'] as const) {
          if (event[field] === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message: `is required for ${event.type} events` });
        }
      } else if (event.amount !== undefined && event.currency === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['currency'], message: 'is required when amount is given' });
      }
      if (event.type === 'chargeback' && typeof event.properties?.originalEventId !== 'string') {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['properties', 'originalEventId'],
          message: 'is required for chargeback events: the id of the disputed transaction',
        });
      }
    });
}

export type EventIn = z.infer<ReturnType<typeof eventInSchema>>;
