import { Type, type Static } from '@sinclair/typebox';
import { PayloadCodec } from './codec/payload-codec';
import { Id, Instant, OneOf } from './codec/schema-types';
import { Topics } from './topics';

export const ModelRefSchema = Type.Object({ id: Type.String(), version: Type.String() });
export const ReasonSchema = Type.Object({ code: Type.String(), detail: Type.Optional(Type.String()) });
export const DecisionVerdictSchema = OneOf(['allow', 'review', 'block'] as const);

/** What the scoring service publishes on `scores` for every scored event (DESIGN.md, "Score"). */
export const ScoreSchema = Type.Object({
  eventId: Id(),
  userId: Id(),
  occurredAt: Instant("The event's own time, so consumers can order scores of one user."),
  model: ModelRefSchema,
  score: Type.Number({ minimum: 0, maximum: 1, description: 'Probability-like risk in [0, 1].' }),
  decision: DecisionVerdictSchema,
  alert: Type.Boolean({ description: 'True when the score or a rule raised an alert for this event.' }),
  reasons: Type.Array(ReasonSchema),
  scoredAt: Instant(),
  features: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]), {
      description:
        "The model's input by feature name, null where missing: only when scoring runs with SCORING_EMIT_FEATURES (parity checks, training from served features).",
    }),
  ),
  shadow: Type.Optional(
    Type.Object(
      { model: ModelRefSchema, score: Type.Number({ minimum: 0, maximum: 1 }), decision: DecisionVerdictSchema, alert: Type.Boolean() },
      { description: "A shadow model's opinion of the same event under the same rules (PUT /v1/models/shadow): reported only, it decides nothing." },
    ),
  ),
});

export type Score = Static<typeof ScoreSchema>;

export const scoreCodec = new PayloadCodec({
  topic: Topics.scores,
  title: 'a score',
  description: 'The score, decision and reason codes of every scored event. Keyed by userId.',
  schemaVersion: 1,
  schema: ScoreSchema,
});
