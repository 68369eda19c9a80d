import { z } from 'zod';

/** One of a customer's latest scores (GET /v1/users/{userId}/scores): schema and type. */
export const recentScoreSchema = z.object({
  eventId: z.string(),
  type: z.string(),
  occurredAt: z.string().datetime(),
  score: z.number().min(0).max(1),
  decision: z.enum(['allow', 'review', 'block']),
  alert: z.boolean(),
  /** Reason codes only: the alert (GET /v1/alerts) carries each reason's detail. */
  reasons: z.array(z.string()),
  model: z.object({ id: z.string(), version: z.string() }),
  /** false when the model does not score events of this type: score is 0 and the rules decided alone (Score.modelScored). */
  modelScored: z.literal(false).optional(),
});

export type RecentScore = z.infer<typeof recentScoreSchema>;
