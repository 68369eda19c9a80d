import { z } from 'zod';

/** A delivery as GET /v1/webhooks/{id}/deliveries lists it, with every attempt: schema and type. */
export const deliveryViewSchema = z.object({
  id: z.string().uuid(),
  alertId: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attemptCount: z.number().int().min(0),
  /** When a pending delivery is tried next. */
  nextAttemptAt: z.string().datetime(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string().datetime(),
  deliveredAt: z.string().datetime().nullable(),
  attempts: z.array(
    z.object({ at: z.string().datetime({ offset: true }), status: z.number().int().nullable(), latencyMs: z.number().int(), error: z.string().nullable() }),
  ),
});

export type DeliveryView = z.infer<typeof deliveryViewSchema>;

/** What a replay sent again: the deliveries' ids. */
export const replayedSchema = z.object({ replayed: z.array(z.string().uuid()) });
