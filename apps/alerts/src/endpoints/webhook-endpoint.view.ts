import { z } from 'zod';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity';

/** An endpoint as the API shows it, never its secret (that is shown once, at creation and rotation): schema and type. */
export const webhookEndpointViewSchema = z.object({
  id: z.string().uuid(),
  url: z.string().url(),
  description: z.string().nullable(),
  filter: z.object({ minScore: z.number().nullable(), eventTypes: z.array(z.string()), reasonCodes: z.array(z.string()) }),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  maxInFlight: z.number().int(),
  secretRotationEndsAt: z.string().datetime().nullable(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
});

export type WebhookEndpointView = z.infer<typeof webhookEndpointViewSchema>;

/** At creation and rotation only: the endpoint with its new signing secret. */
export const webhookEndpointWithSecretSchema = webhookEndpointViewSchema.extend({ secret: z.string().regex(/^whsec_/) });

export function toEndpointView(e: WebhookEndpointEntity): WebhookEndpointView {
  const rotating = e.previousSecretExpiresAt && e.previousSecretExpiresAt.getTime() > Date.now() ? e.previousSecretExpiresAt.toISOString() : null;
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    filter: { minScore: e.minScore, eventTypes: e.eventTypes, reasonCodes: e.reasonCodes },
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    maxInFlight: e.maxInFlight,
    secretRotationEndsAt: rotating,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export const ENDPOINT_EXAMPLE: WebhookEndpointView = {
  id: '6f1c2b1e-4a0e-4d0b-9c1e-2f6d7b9a1c33',
  url: 'https://fraud.example.com/hooks/sentinel',
  description: 'Fraud desk, EU',
  filter: { minScore: 0.8, eventTypes: ['transaction'], reasonCodes: [] },
  enabled: true,
  disabledReason: null,
  maxInFlight: 4,
  secretRotationEndsAt: null,
  createdAt: '2026-11-23T09:00:00.000Z',
  updatedAt: '2026-11-23T09:00:00.000Z',
};
