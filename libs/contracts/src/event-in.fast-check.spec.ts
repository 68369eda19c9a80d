import { passesFastCheck } from './event-in.fast-check';
import { DEFAULT_EVENT_TIME_BOUNDS, eventInSchema } from './event-in.schema';
import { EVENT_TYPES } from './event-types';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const schema = eventInSchema(() => NOW);

/** A small seeded generator: the same cases every run. */
function random(seed: number) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const VALUES: unknown[] = [
  null,
  '',
  'x',
  'a'.repeat(128),
  'a'.repeat(129),
  '-starts-with-dash',
  'user@example.com',
  42,
  0,
  -1,
  0.5,
  1e12,
  1e12 + 1,
  true,
  false,
  {},
  [],
  ['x'],
  'EUR',
  'eur',
  'EURO',
  '81.2.69.142',
  '999.1.1.1',
  '::1',
  '2001:db8::1',
  '::ffff:1.2.3.4',
  'x'.repeat(46),
  '2026-11-23T11:59:00Z',
  '2026-11-23T11:59:00',
  '2026-02-30T10:00:00Z',
  '2026-11-23T12:04:59Z',
  '2026-11-23T12:05:01Z',
  '2025-10-20T00:00:00Z',
  '2024-02-29T10:00:00+01:00',
  '2026-11-23T11:00:00.123456789-05:30',
  'Mozilla/5.0',
  'u'.repeat(1024),
  'u'.repeat(1025),
  { page: '/x', n: 1, ok: true, none: null },
  { nested: { a: 1 } },
  { list: [1] },
  { ['k'.repeat(65)]: 1 },
  { big: 'v'.repeat(1025) },
  Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(150)])),
  Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
  { originalEventId: 'evt-0' },
  { originalEventId: 7 },
  ...EVENT_TYPES,
];
const FIELDS = [
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
  'ammount',
  '__proto__',
];

function generate(next: () => number): unknown {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const type = pick(EVENT_TYPES);
  const event: Record<string, unknown> = { eventId: 'evt-1', type, userId: 'user-42', occurredAt: '2026-11-23T11:59:00Z' };
  if (next() < 0.6 || ['transaction', 'refund', 'chargeback'].includes(type)) Object.assign(event, { amount: 10.5, currency: 'EUR', merchantId: 'm-1' });
  if (type === 'chargeback') event.properties = { originalEventId: 'evt-0' };
  if (next() < 0.5) Object.assign(event, { ip: '81.2.69.142', userAgent: 'Mozilla/5.0', deviceId: 'd-1', sessionId: 's-1' });
  const mutations = Math.floor(next() * 4);
  for (let i = 0; i < mutations; i++) {
    const field = pick(FIELDS);
    if (next() < 0.25) delete event[field];
    else event[field] = pick(VALUES);
  }
  if (next() < 0.1) return pick([null, 'text', 42, [event]]);
  // What reaches the validator is always parsed JSON.
  return JSON.parse(JSON.stringify(event));
}

describe('the fast event check', () => {
  it('agrees with the zod schema on 50,000 generated events, and accepts only what zod returns unchanged', () => {
    const next = random(7);
    let accepted = 0;
    for (let i = 0; i < 50_000; i++) {
      const input = generate(next);
      const fast = passesFastCheck(input, NOW, DEFAULT_EVENT_TIME_BOUNDS);
      const parsed = schema.safeParse(input);
      if (fast !== parsed.success) throw new Error(`disagree on ${JSON.stringify(input)}: fast ${fast}, zod ${parsed.success}`);
      if (fast) {
        expect(parsed.data).toEqual(input);
        accepted++;
      }
    }
    // Both sides of the line are exercised.
    expect(accepted).toBeGreaterThan(5_000);
    expect(accepted).toBeLessThan(45_000);
  });
});
