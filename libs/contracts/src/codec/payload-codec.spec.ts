import { Type } from '@sinclair/typebox';
import { auditRecordCodec } from '../audit.payload';
import { enrichedEventCodec, type EnrichedEvent } from '../enriched-event.payload';
import { PayloadCodec } from './payload-codec';
import { Instant, Nullable } from './schema-types';

const codec = new PayloadCodec({
  topic: 'scores',
  title: 'a thing',
  description: 'For the tests.',
  schemaVersion: 2,
  schema: Type.Object({
    id: Type.String({ minLength: 1 }),
    at: Instant(),
    place: Nullable(Type.Object({ city: Type.String() })),
    note: Type.Optional(Type.String()),
  }),
  sharedObjectFields: ['place'],
});
const thing = { id: 't1', at: '2026-12-03T10:00:00Z', place: { city: 'Lyon' } };

describe('PayloadCodec', () => {
  it('writes the schema version with the payload and reads it back', () => {
    const written = codec.encode(thing);
    expect(JSON.parse(written)).toEqual({ schemaVersion: 2, ...thing });
    expect(codec.decode(Buffer.from(written))).toEqual({ schemaVersion: 2, ...thing });
  });

  it('writes every field it is given, those its schema does not name too', () => {
    const written = JSON.parse(codec.encode({ ...thing, note: 'n', asn: 3215 } as typeof thing));
    expect(written).toEqual({ schemaVersion: 2, ...thing, note: 'n', asn: 3215 });
  });

  it('writes a shared object as JSON.stringify would, however often it is written', () => {
    const place = { city: 'Lyon' };
    const first = codec.encode({ ...thing, place });
    expect(codec.encode({ ...thing, place })).toBe(first);
    expect(JSON.parse(first).place).toEqual(place);
    expect(JSON.parse(codec.encode({ ...thing, place: null })).place).toBeNull();
  });

  it('keeps fields a newer producer added', () => {
    expect(codec.decode(JSON.stringify({ ...thing, schemaVersion: 2, extra: [1] }))).toMatchObject({ extra: [1] });
  });

  it('reads a record without a schema version as version 1', () => {
    const v1 = new PayloadCodec({ topic: 'scores', title: 'a thing', description: '', schemaVersion: 1, schema: Type.Object({ id: Type.String() }) });
    expect(v1.decode('{"id":"x"}')).toEqual({ id: 'x' });
    expect(codec.decode(JSON.stringify(thing))).toBe('not a thing this reader knows: schemaVersion 1, expected 2');
  });

  it.each([
    ['{"id":', /^not a thing: invalid JSON \(/],
    ['[1]', 'not a thing: not a JSON object'],
    ['null', 'not a thing: not a JSON object'],
    [JSON.stringify({ schemaVersion: 3, ...thing }), 'not a thing this reader knows: schemaVersion 3, expected 2'],
    [JSON.stringify({ schemaVersion: 2, at: thing.at, place: null }), 'not a thing: id is required'],
    [JSON.stringify({ schemaVersion: 2, ...thing, id: '' }), /^not a thing: id: expected string length greater or equal to 1/],
    [JSON.stringify({ schemaVersion: 2, ...thing, at: 'yesterday' }), 'not a thing: at "yesterday" is not a time'],
    [JSON.stringify({ schemaVersion: 2, ...thing, at: '2026-12-03T10:00:00' }), 'not a thing: at "2026-12-03T10:00:00" is not a time'],
    [JSON.stringify({ schemaVersion: 2, ...thing, place: { city: 7 } }), /^not a thing: place: /],
  ])('says why %s cannot be read', (value, reason) => {
    const decoded = codec.decode(value);
    if (typeof reason === 'string') expect(decoded).toBe(reason);
    else expect(decoded).toMatch(reason);
  });

  it('publishes a JSON Schema with the version and without TypeBox internals', () => {
    const schema = codec.jsonSchema();
    expect(schema).toMatchObject({ $id: 'urn:sentinel-stream:topic:scores:v2', type: 'object', required: ['schemaVersion', 'id', 'at', 'place'] });
    expect((schema.properties as Record<string, unknown>).schemaVersion).toMatchObject({ const: 2 });
    expect(JSON.stringify(schema)).toBe(JSON.stringify(JSON.parse(JSON.stringify(schema))));
  });
});

describe('enrichedEventCodec', () => {
  const event: EnrichedEvent = {
    eventId: 'e1',
    type: 'transaction',
    userId: 'u1',
    occurredAt: '2026-12-03T10:00:00.000Z',
    amount: 12.5,
    currency: 'EUR',
    receivedAt: '2026-12-03T10:00:00.010Z',
    source: 'http',
    geo: { country: 'FR', region: null, city: 'Lyon', latitude: 45.76, longitude: 4.84 },
    ua: { browser: 'Firefox', browserVersion: '133', os: 'Linux', osVersion: null, deviceType: 'desktop', isBot: false },
    merchant: null,
    flags: ['reference_unavailable'],
  };

  it('reads what it writes', () => {
    expect(enrichedEventCodec.decode(enrichedEventCodec.encode(event))).toEqual({ schemaVersion: 1, ...event });
  });

  it('does not drop a field enrichment adds before the schema names it', () => {
    const withRiskScore = { ...event, ipRisk: { score: 0.7, source: 'vendor' } };
    expect(enrichedEventCodec.decode(enrichedEventCodec.encode(withRiskScore))).toMatchObject({ ipRisk: { score: 0.7, source: 'vendor' } });
  });

  it('refuses an event whose amount is not a number', () => {
    expect(enrichedEventCodec.decode(JSON.stringify({ ...event, amount: '12.50' }))).toBe('not an enriched event: amount: expected number');
  });
});

describe('auditRecordCodec', () => {
  it('reads a record of a change to something that did not exist, whose `before` JSON leaves out', () => {
    const created = {
      id: '6f1c2a3b-1111-2222-3333-444455556666',
      at: '2026-12-03T10:00:00Z',
      service: 'alerts',
      actor: 'admin',
      action: 'webhook.create' as const,
      target: 'webhook:1',
      before: undefined,
      after: { url: 'https://x' },
    };
    expect(auditRecordCodec.decode(auditRecordCodec.encode(created))).toEqual({ schemaVersion: 1, ...created, before: undefined });
  });
});
