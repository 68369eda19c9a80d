import { z } from 'zod';
import { EVENT_TYPES } from '@app/contracts';

const filter = z
  .object({
    minScore: z.number({ invalid_type_error: 'must be a number' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').nullable().optional(),
    eventTypes: z
      .array(z.enum(EVENT_TYPES, { errorMap: () => ({ message: `must be one of ${EVENT_TYPES.join(', ')}` }) }))
      .max(EVENT_TYPES.length)
      .optional(),
    reasonCodes: z.array(z.string().min(1).max(64)).max(100).optional(),
  })
  .strict();

const endpointFields = {
  url: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).max(2048, 'must be at most 2048 characters'),
  description: z.string().max(500).nullable().optional(),
  filter: filter.optional(),
  maxInFlight: z.number().int('must be a whole number').min(1, 'must be at least 1').max(64, 'must be at most 64').optional(),
};

/** POST /v1/webhooks: unknown fields are rejected, so a typo comes back to its sender. */
export const createEndpointInput = z.object(endpointFields).strict();
/** PATCH /v1/webhooks/{id}: any of the fields, plus enabled. */
export const updateEndpointInput = z
  .object({ ...endpointFields, url: endpointFields.url.optional(), enabled: z.boolean({ invalid_type_error: 'must be true or false' }).optional() })
  .strict();
/** POST /v1/webhooks/{id}/rotate-secret: how long the old secret keeps being signed with. */
export const rotateSecretInput = z.object({ graceHours: z.number().min(0).max(168, 'must be at most 168 (a week)').default(24) }).strict();

export type CreateEndpointInput = z.infer<typeof createEndpointInput>;
export type UpdateEndpointInput = z.infer<typeof updateEndpointInput>;
