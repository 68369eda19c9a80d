import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { VERDICTS } from '@app/contracts';
import { EVENT_SCHEMA } from '../events/event-in.openapi';

const verdict: SchemaObject = { type: 'string', enum: [...VERDICTS] };

export const DECISION_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['event'],
  properties: {
    event: EVENT_SCHEMA,
    timeoutMs: {
      type: 'integer',
      minimum: 1,
      description: 'How long the caller waits for the verdict; past it, the fallback (DECISION_TIMEOUT_MS by default, at most DECISION_MAX_TIMEOUT_MS)',
    },
  },
  example: {
    event: {
      eventId: 'pay-0001',
      type: 'transaction',
      userId: 'user-42',
      occurredAt: '2026-11-23T08:15:00Z',
      amount: 129.9,
      currency: 'EUR',
      merchantId: 'm-7',
      ip: '81.2.69.142',
    },
    timeoutMs: 100,
  },
};

export const DECISION_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['eventId', 'decision', 'score', 'reasons', 'model', 'decidedAt', 'degraded'],
  properties: {
    eventId: { type: 'string' },
    decision: verdict,
    score: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      nullable: true,
      description: "The model's score; null when degraded, or for an event of a type the model does not score (the rules decided alone)",
    },
    reasons: { type: 'array', items: { type: 'object', required: ['code'], properties: { code: { type: 'string' }, detail: { type: 'string' } } } },
    model: {
      type: 'object',
      nullable: true,
      required: ['id', 'version'],
      properties: { id: { type: 'string' }, version: { type: 'string' } },
      description: 'The model that scored the event; null when degraded, or when the score is null for its type',
    },
    decidedAt: { type: 'string', format: 'date-time' },
    degraded: { type: 'boolean', description: "True when the verdict is the configured fallback, not the model's and rules'" },
    degradedReason: { type: 'string', enum: ['deadline', 'accepted_without_decision'] },
  },
  example: {
    eventId: 'pay-0001',
    decision: 'review',
    score: 0.62,
    reasons: [{ code: 'MODEL_SCORE_ELEVATED', detail: 'score 0.62 >= review threshold 0.5' }],
    model: { id: 'sentinel-xgboost', version: '7cdedfcea611' },
    decidedAt: '2026-11-23T08:15:00.012Z',
    degraded: false,
  },
};
