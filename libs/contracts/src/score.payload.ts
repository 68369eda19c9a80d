import { Type, type Static } from '@sinclair/typebox';
import { PayloadCodec } from './codec/payload-codec';
import { Id, Instant, OneOf } from './codec/schema-types';
import type { EnrichedEvent } from './enriched-event.payload';
import { EVENT_TYPES } from './event-types';
import { Topics } from './topics';

export const ModelRefSchema = Type.Object({ id: Type.String(), version: Type.String() });
export const ReasonSchema = Type.Object({ code: Type.String(), detail: Type.Optional(Type.String()) });
export const DecisionVerdictSchema = OneOf(['allow', 'review', 'block'] as const);

/**
 * The scored event in brief, from events.enriched: what a consumer of `scores` folds or shows beside the
 * score without reading the event itself (profile-api folds profiles from `scores` alone). Absent fields
 * were absent, or null, in the event.
 */
export const ScoredEventSchema = Type.Object(
  {
    type: OneOf(EVENT_TYPES),
    amount: Type.Optional(Type.Number({ minimum: 0 })),
    currency: Type.Optional(Type.String()),
    deviceId: Type.Optional(Type.String()),
    country: Type.Optional(Type.String({ description: "geo.country: ISO 3166-1 alpha-2 code of the event's IP address." })),
    city: Type.Optional(Type.String({ description: 'geo.city' })),
    deviceType: Type.Optional(Type.String({ description: 'ua.deviceType: desktop, mobile, tablet, ...' })),
    pageCategory: Type.Optional(Type.String({ description: "A page view's properties.category, when a string." })),
  },
  { description: 'The scored event in brief (from events.enriched), for consumers that fold scores without reading the events: profiles.' },
);

export type ScoredEvent = Static<typeof ScoredEventSchema>;

/** What the scoring service publishes on `scores` for every scored event (DESIGN.md, "Score"). */
export const ScoreSchema = Type.Object({
  eventId: Id(),
  userId: Id(),
  occurredAt: Instant("The event's own time, so consumers can order scores of one user."),
  model: ModelRefSchema,
  score: Type.Number({ minimum: 0, maximum: 1, description: 'Probability-like risk in [0, 1]; 0 when the model does not score the event (modelScored).' }),
  modelScored: Type.Optional(
    Type.Boolean({
      description:
        "false when the model does not score events of this type (its manifest's eventTypes: the types it was trained on): score is then 0, and decision, alert and reasons are the rules' alone. Absent when the model scored the event.",
    }),
  ),
  decision: DecisionVerdictSchema,
  alert: Type.Boolean({ description: 'True when the score or a rule raised an alert for this event.' }),
  reasons: Type.Array(ReasonSchema),
  scoredAt: Instant(),
  event: Type.Optional(ScoredEventSchema),
  features: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]), {
      description:
        "The model's input by feature name, null where missing: only when scoring runs with SCORING_EMIT_FEATURES (parity checks, training from served features).",
    }),
  ),
  shadow: Type.Optional(
    Type.Object(
      { model: ModelRefSchema, score: Type.Number({ minimum: 0, maximum: 1 }), decision: DecisionVerdictSchema, alert: Type.Boolean() },
      {
        description:
          "A shadow model's opinion of the same event under the same rules (PUT /v1/models/shadow): reported only, it decides nothing. Absent for events of a type the shadow does not score.",
      },
    ),
  ),
});

export type Score = Static<typeof ScoreSchema>;

/** The brief of an enriched event its Score carries; only the fields the event has are written. */
export function scoredEventOf(event: EnrichedEvent): ScoredEvent {
  const brief: ScoredEvent = { type: event.type };
  if (event.amount !== undefined) brief.amount = event.amount;
  if (event.currency !== undefined) brief.currency = event.currency;
  if (event.deviceId !== undefined) brief.deviceId = event.deviceId;
  if (event.geo?.country) brief.country = event.geo.country;
  if (event.geo?.city) brief.city = event.geo.city;
  if (event.ua) brief.deviceType = event.ua.deviceType;
  const category = event.type === 'page_view' ? event.properties?.category : undefined;
  if (typeof category === 'string' && category.length > 0) brief.pageCategory = category;
  return brief;
}

export const scoreCodec = new PayloadCodec({
  topic: Topics.scores,
  title: 'a score',
  description: 'The score, decision and reason codes of every scored event. Keyed by userId.',
  schemaVersion: 1,
  schema: ScoreSchema,
});
