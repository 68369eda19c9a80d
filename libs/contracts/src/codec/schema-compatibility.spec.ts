import { Type } from '@sinclair/typebox';
import { breakingChanges, type JsonSchema } from './schema-compatibility';
import { Nullable, OneOf } from './schema-types';

const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as JsonSchema;
const published = plain(
  Type.Object({
    id: Type.String(),
    amount: Type.Optional(Type.Number()),
    count: Type.Integer(),
    geo: Nullable(Type.Object({ country: Nullable(Type.String()), latitude: Type.Number() })),
    decision: OneOf(['allow', 'block'] as const),
    reasons: Type.Array(Type.Object({ code: Type.String() })),
    features: Type.Record(Type.String(), Type.Number()),
    before: Type.Unknown(),
  }),
);
const change = (edit: (properties: Record<string, JsonSchema>, required: string[]) => void): JsonSchema => {
  const next = structuredClone(published);
  edit(next.properties as Record<string, JsonSchema>, next.required as string[]);
  return next;
};

describe('breakingChanges', () => {
  it('finds nothing in the same schema', () => {
    expect(breakingChanges(published, published)).toEqual([]);
  });

  it('accepts what a consumer already tolerates: new fields, new enum values, narrower types', () => {
    const next = change((p, required) => {
      p.asn = { type: 'integer' };
      required.push('asn');
      p.decision = plain(OneOf(['allow', 'block', 'review'] as const));
      p.amount = { type: 'integer' };
      p.geo = plain(Type.Object({ country: Type.String(), latitude: Type.Number(), city: Type.String() }));
    });
    expect(breakingChanges(published, next)).toEqual([]);
  });

  it.each<[string, (p: Record<string, JsonSchema>, required: string[]) => void, string]>([
    ['a removed field', (p) => delete p.amount, 'amount was removed'],
    ['a field no longer always present', (_, required) => required.splice(required.indexOf('id'), 1), 'id is no longer always present'],
    ['a retyped field', (p) => (p.id = { type: 'number' }), 'id may now be number'],
    ['a field that may now be null', (p) => (p.id = plain(Nullable(Type.String()))), 'id may now be null'],
    ['an integer that may now be fractional', (p) => (p.count = { type: 'number' }), 'count may now be number'],
    ['a nested field removed', (p) => delete (p.geo.anyOf as JsonSchema[])[0].properties?.latitude, 'geo.latitude was removed'],
    [
      'a nested field retyped',
      (p) => (((p.geo.anyOf as JsonSchema[])[0].properties as Record<string, JsonSchema>).country = { type: 'number' }),
      'geo.country may now be number',
    ],
    ['an enumeration turned into numbers', (p) => (p.decision = { type: 'integer' }), 'decision may now be integer'],
    ['an array item retyped', (p) => (p.reasons.items = plain(Type.Object({ code: Type.Integer() }))), 'reasons[].code may now be integer'],
    ['a record value retyped', (p) => (p.features = plain(Type.Record(Type.String(), Nullable(Type.Number())))), 'features[*] may now be null'],
  ])('reports %s', (_, edit, problem) => {
    expect(breakingChanges(published, change(edit))).toEqual([problem]);
  });
});
