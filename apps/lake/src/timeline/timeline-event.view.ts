import { z } from 'zod';

/** One event of a customer's timeline, as the lake holds it: schema and type. */
export const timelineEventSchema = z.object({
  eventId: z.string(),
  type: z.string(),
  occurredAt: z.string().datetime(),
  amount: z.number().nullable(),
  currency: z.string().nullable(),
  merchantId: z.string().nullable(),
  country: z.string().nullable(),
  city: z.string().nullable(),
  deviceType: z.string().nullable(),
  browser: z.string().nullable(),
  flags: z.array(z.string()),
});

export type TimelineEvent = z.infer<typeof timelineEventSchema>;
