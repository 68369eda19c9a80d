import { Type, type Static } from '@sinclair/typebox';
import { PayloadCodec } from './codec/payload-codec';
import { Id, Instant, Nullable, OneOf } from './codec/schema-types';
import type { EventIn } from './event-in.schema';
import { EVENT_TYPES } from './event-types';
import { Topics } from './topics';

/** Why an enriched event is less than complete; enrichment never drops an event, it says what it could not do. */
export const QUALITY_FLAGS = [
  'ip_missing',
  'ip_private',
  'ip_invalid',
  'geo_not_found',
  'geo_unavailable',
  'user_agent_missing',
  'user_agent_unavailable',
  'reference_unavailable',
  'merchant_unknown',
  'ip_denylisted',
  'device_denylisted',
  'email_domain_denylisted',
] as const;
export type QualityFlag = (typeof QUALITY_FLAGS)[number];

const text = Nullable(Type.String());
const coordinate = Nullable(Type.Number());

export const GeoSchema = Type.Object(
  { country: Nullable(Type.String({ description: 'ISO 3166-1 alpha-2 code.' })), region: text, city: text, latitude: coordinate, longitude: coordinate },
  { description: 'Where the IP address is (DB-IP City Lite); null without a public IP or when it is not found (see flags).' },
);
export const UserAgentSchema = Type.Object(
  {
    browser: text,
    browserVersion: text,
    os: text,
    osVersion: text,
    deviceType: Type.String({ description: 'desktop, mobile, tablet, ...' }),
    isBot: Type.Boolean(),
  },
  { description: 'The parsed User-Agent (ua-parser-js); null without one.' },
);
export const AutonomousSystemSchema = Type.Object(
  { number: Type.Integer({ minimum: 0 }), organization: text },
  { description: 'The network of the IP address (its autonomous system), when ingest has an ASN database (ASN_DATABASES); null when not found.' },
);
export const MerchantSchema = Type.Object(
  { category: text, riskTier: text },
  { description: "The merchant's reference data (npm run load-reference); null when unknown or without merchantId." },
);

/** events.enriched: the event as its producer sent it (validated by ingest), and what enrichment added. */
export const EnrichedEventSchema = Type.Object({
  eventId: Id("The producer's id, or the one ingest assigned: a record delivered twice is the same event."),
  type: OneOf(EVENT_TYPES),
  userId: Id('The user whose order matters: the record key.'),
  occurredAt: Instant('When it happened (event time: windows and the lake use it).'),
  ip: Type.Optional(Type.String()),
  userAgent: Type.Optional(Type.String()),
  deviceId: Type.Optional(Type.String()),
  sessionId: Type.Optional(Type.String()),
  amount: Type.Optional(Type.Number({ minimum: 0, description: 'In currency units; present on transactions and refunds.' })),
  currency: Type.Optional(Type.String({ description: 'ISO 4217 code.' })),
  merchantId: Type.Optional(Type.String({ description: 'Absent for a single shop.' })),
  properties: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), {
      description: "The producer's own fields; a chargeback names the disputed transaction in originalEventId.",
    }),
  ),
  receivedAt: Instant('When ingest accepted it.'),
  source: OneOf(['http', 'events.raw'] as const, '`http` for POST /v1/events, `events.raw` for records read from the topic.'),
  geo: Nullable(GeoSchema),
  ua: Nullable(UserAgentSchema),
  merchant: Nullable(MerchantSchema),
  asn: Type.Optional(Nullable(AutonomousSystemSchema)),
  flags: Type.Array(OneOf(QUALITY_FLAGS), { description: 'What enrichment could not do, or found suspicious; empty when complete.' }),
});

export type EnrichedEvent = Static<typeof EnrichedEventSchema>;

// Every field a producer may send is a field of the enriched event: a compile error otherwise.
type MissingInputFields = Exclude<keyof EventIn, keyof EnrichedEvent>;
const everyInputFieldTravels: [MissingInputFields] extends [never] ? true : MissingInputFields = true;
void everyInputFieldTravels;

export const enrichedEventCodec = new PayloadCodec({
  topic: Topics.enriched,
  title: 'an enriched event',
  description: 'Every valid event, as sent, with its geo, User-Agent and reference-data enrichment and quality flags. Keyed by userId.',
  schemaVersion: 1,
  schema: EnrichedEventSchema,
  sharedObjectFields: ['geo', 'ua'],
});
