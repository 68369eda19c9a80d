import { z } from 'zod';
import { VERDICTS, type Verdict } from '@app/contracts';

const reason = z.object({ code: z.string(), detail: z.string().optional() });

/** An alert as GET /v1/alerts lists it: its published schema and its type. Not strict: fields may be added. */
export const alertSummarySchema = z.object({
  alertId: z.string(),
  eventId: z.string(),
  userId: z.string(),
  eventType: z.string(),
  occurredAt: z.string().datetime({ offset: true }),
  score: z.number().min(0).max(1),
  /** false when a rule raised the alert on an event of a type the model does not score (score 0). */
  modelScored: z.literal(false).optional(),
  /** Null for alerts stored before alerts carried their decision. */
  decision: z.enum(VERDICTS as [Verdict, ...Verdict[]]).nullable(),
  reasons: z.array(reason),
  model: z.object({ id: z.string(), version: z.string() }),
  raisedAt: z.string().datetime({ offset: true }),
  receivedAt: z.string().datetime(),
  deliveries: z.array(
    z.object({
      id: z.string().uuid(),
      endpointId: z.string().uuid(),
      status: z.string(),
      attemptCount: z.number().int(),
      lastStatus: z.number().int().nullable(),
    }),
  ),
});

export type AlertSummary = z.infer<typeof alertSummarySchema>;
