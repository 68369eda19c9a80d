import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { EVENT_TYPES, ID, VERDICTS } from '@app/contracts';

const verdict: SchemaObject = { type: 'string', enum: [...VERDICTS] };
const id = (description: string): SchemaObject => ({ type: 'string', pattern: ID.source, description });

/** The event of the contract (DESIGN.md, "Event in"; libs/contracts/src/event-in.schema.ts), for SDK generators. */
export const EVENT_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'userId', 'occurredAt'],
  properties: {
    eventId: id('Your id of the event (a payment id): send it, so that a retry is recognised. One is made up when absent.'),
    type: { type: 'string', enum: [...EVENT_TYPES] },
    userId: id('The customer'),
    occurredAt: { type: 'string', format: 'date-time', description: 'ISO-8601 with a zone' },
    amount: { type: 'number', minimum: 0, maximum: 1e12, description: 'Required for transaction and refund' },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217; required with amount' },
    merchantId: id('The merchant or terminal (absent for a single shop)'),
    ip: { type: 'string', description: 'IPv4 or IPv6 address of the customer' },
    userAgent: { type: 'string', maxLength: 1024 },
    deviceId: id("The customer's device"),
    sessionId: id("The customer's session"),
    properties: {
      type: 'object',
      additionalProperties: { oneOf: [{ type: 'string', maxLength: 1024 }, { type: 'number' }, { type: 'boolean' }], nullable: true },
      description: 'At most 50 entries, 8 KiB as JSON',
    },
  },
};

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
    score: { type: 'number', minimum: 0, maximum: 1, nullable: true, description: "The model's score; null when degraded" },
    reasons: { type: 'array', items: { type: 'object', required: ['code'], properties: { code: { type: 'string' }, detail: { type: 'string' } } } },
    model: { type: 'object', nullable: true, required: ['id', 'version'], properties: { id: { type: 'string' }, version: { type: 'string' } } },
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
