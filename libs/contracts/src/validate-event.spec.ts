import { EventValidator } from './validate-event';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const validator = new EventValidator(() => NOW);
const transaction = {
  eventId: 'evt-1',
  type: 'transaction',
  userId: 'user-42',
  occurredAt: '2026-11-23T11:59:00Z',
  amount: 129.9,
  currency: 'EUR',
  merchantId: 'm-7',
  ip: '81.2.69.142',
  userAgent: 'Mozilla/5.0',
  deviceId: 'd-1',
};
const reasonsFor = (input: unknown) => {
  const result = validator.validate(input);
  if (result.ok) throw new Error('expected a rejection');
  return result.reasons;
};

describe('EventValidator', () => {
  it('accepts a complete transaction unchanged', () => {
    expect(validator.validate(transaction)).toEqual({ ok: true, event: transaction });
  });

  it('accepts a minimal page view without an eventId (ingest assigns one)', () => {
    expect(validator.validate({ type: 'page_view', userId: 'u1', occurredAt: '2026-11-23T11:00:00.123+01:00', properties: { category: 'shoes' } }).ok).toBe(
      true,
    );
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'x\ud800y'],
    ['a lone low surrogate', '\udc00'],
    ['a high surrogate at the end', 'x\udbff'],
  ])('refuses text Postgres cannot store, %s, in a property value, a property name or the User-Agent, naming the field', (_, text) => {
    expect(reasonsFor({ ...transaction, properties: { category: text } })).toEqual([
      'properties.category: must not contain NUL characters or lone UTF-16 surrogates (they are not storable text)',
    ]);
    expect(reasonsFor({ ...transaction, properties: { [text]: 'shoes' } })).toEqual([
      expect.stringMatching(/^properties\..*: property names must not contain NUL characters or lone UTF-16 surrogates/),
    ]);
    expect(reasonsFor({ ...transaction, userAgent: `Mozilla/5.0 ${text}` })).toEqual([
      'userAgent: must not contain NUL characters or lone UTF-16 surrogates (they are not storable text)',
    ]);
  });

  it('accepts every well-formed text, surrogate pairs, U+FFFF and byte order marks included', () => {
    for (const text of ['emoji 😀', '\uffff', '\ufeffshoes', 'e\u0301'.repeat(200)])
      expect(validator.validate({ ...transaction, properties: { category: text }, userAgent: text }).ok).toBe(true);
  });

  it('accepts IPv6 addresses', () => {
    expect(validator.validate({ ...transaction, ip: '2001:db8::1' }).ok).toBe(true);
  });

  it.each([
    [{ ...transaction, type: 'teleport' }, /^type: must be one of transaction, refund/],
    [{ ...transaction, userId: '' }, /^userId: must be 1-128 letters/],
    [{ ...transaction, userId: 42 }, /^userId: must be a string/],
    [{ ...transaction, userId: 'x'.repeat(129) }, /^userId: must be 1-128/],
    [{ ...transaction, occurredAt: '2026-11-23 11:59' }, /^occurredAt: must be an ISO-8601 time with a zone/],
    [{ ...transaction, occurredAt: '2026-11-23T11:59:00' }, /^occurredAt: must be an ISO-8601 time with a zone/],
    [{ ...transaction, occurredAt: '2026-02-30T10:00:00Z' }, /^occurredAt: is not a real date and time/],
    [{ ...transaction, occurredAt: '2026-11-23T24:00:00Z' }, /^occurredAt: is not a real date and time/],
    [{ ...transaction, occurredAt: '2026-11-23T11:00:00+25:00' }, /^occurredAt: is not a real date and time/],
    [{ ...transaction, occurredAt: '2026-11-23T12:06:00Z' }, /^occurredAt: is more than 5 minutes in the future/],
    [{ ...transaction, occurredAt: '1970-01-01T00:00:00Z' }, /^occurredAt: is more than 400 days in the past/],
    [{ ...transaction, ip: '999.1.1.1' }, /^ip: must be an IPv4 or IPv6 address/],
    [{ ...transaction, amount: -1 }, /^amount: must not be negative/],
    [{ ...transaction, amount: '12.50' }, /^amount: must be a number/],
    [{ ...transaction, amount: 1e300 }, /^amount: must be at most 1e12/],
    [{ ...transaction, currency: 'eur' }, /^currency: must be an ISO 4217 code/],
    [{ ...transaction, ammount: 5 }, /^ammount: is not a field of an event$/],
    [{ ...transaction, userAgent: 'x'.repeat(1025) }, /^userAgent: must be at most 1024 characters/],
    [{ ...transaction, properties: { nested: { a: 1 } } }, /^properties\.nested: /],
    [{ ...transaction, properties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, /^properties: must have at most 50 entries/],
  ])('rejects %j with a reason naming the field', (input, reason) => {
    expect(reasonsFor(input).join('\n')).toMatch(reason);
  });

  it('knows leap days and the length of every month', () => {
    const longAgo = new EventValidator(() => NOW, { maxFutureMs: 0, maxAgeMs: 30 * 365 * 86_400_000 });
    const real = (occurredAt: string) => longAgo.validate({ ...transaction, occurredAt }).ok;
    expect(['2024-02-29T10:00:00Z', '2000-02-29T10:00:00Z', '2026-04-30T10:00:00Z', '2026-01-31T10:00:00Z', '2025-12-31T23:59:59Z'].filter(real)).toHaveLength(
      5,
    );
    expect(
      ['2025-02-29T10:00:00Z', '2026-04-31T10:00:00Z', '2026-06-31T10:00:00Z', '2026-13-01T10:00:00Z', '2026-00-10T10:00:00Z', '2026-01-00T10:00:00Z'].filter(
        real,
      ),
    ).toEqual([]);
    expect(longAgo.validate({ ...transaction, occurredAt: '2025-02-29T10:00:00Z' })).toEqual({
      ok: false,
      reasons: ['occurredAt: is not a real date and time'],
    });
  });

  it('requires amount and currency on money events, and no merchantId (a single shop has none)', () => {
    expect(reasonsFor({ type: 'transaction', userId: 'u', occurredAt: '2026-11-23T11:00:00Z' })).toEqual([
      'amount: is required for transaction events',
      'currency: is required for transaction events',
    ]);
    const { merchantId: _, ...shop } = transaction;
    expect(validator.validate(shop).ok).toBe(true);
  });

  it('requires the disputed transaction on a chargeback', () => {
    expect(reasonsFor({ ...transaction, type: 'chargeback' })).toEqual([
      'properties.originalEventId: is required for chargeback events: the id of the disputed transaction',
    ]);
    expect(validator.validate({ ...transaction, type: 'chargeback', properties: { originalEventId: 'evt-0' } }).ok).toBe(true);
    // What a card network's dispute feed gives: the disputed transaction's id and nothing else.
    expect(validator.validate({ type: 'chargeback', userId: 'u', occurredAt: '2026-11-23T11:00:00Z', properties: { originalEventId: 'evt-0' } }).ok).toBe(true);
  });

  it('requires a currency whenever an amount is given', () => {
    expect(reasonsFor({ type: 'checkout', userId: 'u', occurredAt: '2026-11-23T11:00:00Z', amount: 10 })).toEqual([
      'currency: is required when amount is given',
    ]);
  });

  it.each([null, 'text', 42, [transaction]])('rejects a non-object %j', (input) => {
    expect(reasonsFor(input)).toEqual(['an event must be a JSON object']);
  });

  it('lists every problem at once', () => {
    expect(reasonsFor({ type: 'login', userId: '', occurredAt: 'now', extra: 1 })).toHaveLength(3);
  });
});
