import { Type, type Static } from '@sinclair/typebox';
import { PayloadCodec } from './codec/payload-codec';
import { Id, Instant } from './codec/schema-types';
import { DecisionVerdictSchema, ModelRefSchema, ReasonSchema } from './score.payload';
import { Topics } from './topics';

/** What the scoring service publishes on `alerts` for an event whose score or rules call for one. */
export const AlertSchema = Type.Object({
  alertId: Id('Unique per event (alert_<eventId>): redelivered or replayed alerts are recognised by it.'),
  eventId: Id(),
  userId: Id(),
  eventType: Id(),
  occurredAt: Instant(),
  score: Type.Number({
    minimum: 0,
    maximum: 1,
    description: "The model's score; 0 when the model does not score events of this type and a rule raised the alert (modelScored).",
  }),
  modelScored: Type.Optional(
    Type.Boolean({ description: 'false when the model does not score events of this type: a rule raised the alert. Absent when the model scored the event.' }),
  ),
  /** The event's decision: review or block, or allow when a rule alerted on an allowed score. */
  decision: Type.Optional(DecisionVerdictSchema),
  model: ModelRefSchema,
  reasons: Type.Array(ReasonSchema),
  raisedAt: Instant(),
});

export type Alert = Static<typeof AlertSchema>;

/** An event raises at most one alert, so the alert's id is derived from the event's. */
export const alertIdFor = (eventId: string) => `alert_${eventId}`;

export const alertCodec = new PayloadCodec({
  topic: Topics.alerts,
  title: 'an alert',
  description: 'An event whose score or rules call for the fraud team; alerts delivers it to the webhooks. Keyed by userId.',
  schemaVersion: 1,
  schema: AlertSchema,
});
