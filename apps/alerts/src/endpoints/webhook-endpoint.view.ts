import type { WebhookEndpointEntity } from './webhook-endpoint.entity';

/** An endpoint as the API shows it: never its secret (that is shown once, at creation and rotation). */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string | null;
  filter: { minScore: number | null; eventTypes: string[]; reasonCodes: string[] };
  enabled: boolean;
  disabledReason: string | null;
  maxInFlight: number;
  secretRotationEndsAt: string | null;
  createdAt: string;
  updatedAt: string;
}

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
