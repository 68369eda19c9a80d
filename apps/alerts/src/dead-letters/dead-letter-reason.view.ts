import { z } from 'zod';

/** Dead letters of one group, origin topic and reason, as GET /v1/dead-letters lists them: schema and type. */
export const deadLetterReasonSchema = z.object({
  group: z.string(),
  topic: z.string(),
  reason: z.string(),
  count: z.number().int().min(1),
  firstAt: z.string().datetime(),
  lastAt: z.string().datetime(),
  /** The latest dead letter's original, its first 2,000 characters. */
  sample: z.string(),
});

export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;
