import fc from 'fast-check';
import { isStorableText } from './event-in.schema';
import { EventValidator } from './validate-event';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const validator = new EventValidator(() => NOW);
const VALID = {
  eventId: 'evt-1',
  type: 'page_view',
  userId: 'user-1',
  occurredAt: '2026-11-23T11:59:00Z',
  ip: '81.2.69.142',
  userAgent: 'Mozilla/5.0',
  deviceId: 'd-1',
  properties: { category: 'shoes', page: '/p' },
};
const STRING_FIELDS = ['eventId', 'type', 'userId', 'occurredAt', 'ip', 'userAgent', 'deviceId', 'property name', 'property value'] as const;

/** Any code points (lone surrogates and NUL included), and the oddities that are storable but unusual. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\uffff', '\ufeffshoes', 'e\u0301'.repeat(4_000), '\u202eevil', ''),
);

function withText(field: (typeof STRING_FIELDS)[number], text: string): Record<string, unknown> {
  const event: Record<string, unknown> = { ...VALID, properties: { ...VALID.properties } };
  if (field === 'property name') event.properties = { [text]: 'x' };
  else if (field === 'property value') event.properties = { category: text };
  else event[field] = text;
  return event;
}

const stringsOf = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]) : [];

describe('the event validator, driven by generated input', () => {
  it('answers any JSON with an event or with reasons, and never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const result = validator.validate(input);
        if (!result.ok) expect(result.reasons.length > 0 && result.reasons.every((r) => r.length > 3)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('accepts text in any field only if Postgres and Redis can store it, and refuses the rest with a reason', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STRING_FIELDS), hostileText, (field, text) => {
        const result = validator.validate(JSON.parse(JSON.stringify(withText(field, text))) as unknown);
        if (result.ok) expect(stringsOf(result.event).filter((s) => !isStorableText(s))).toEqual([]);
        else expect(result.reasons.join('; ')).toMatch(/\w+/);
        if (!isStorableText(text)) expect(result.ok).toBe(false);
      }),
      { numRuns: 5_000 },
    );
  });
});
