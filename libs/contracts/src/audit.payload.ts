import { Type, type Static } from '@sinclair/typebox';
import { PayloadCodec } from './codec/payload-codec';
import { Instant, OneOf } from './codec/schema-types';
import { Topics } from './topics';

/** The administrative changes the audit trail records (DESIGN.md, "Auth": the `admin` scope's writes). */
export const AUDIT_ACTIONS = [
  'rule.put',
  'rule.delete',
  'model.activate',
  'model.shadow',
  'model.shadow.stop',
  'model.promote',
  'webhook.create',
  'webhook.update',
  'webhook.delete',
  'webhook.rotate-secret',
  'webhook.replay',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * One administrative change, published on `audit` by the service that made it and kept by alerts in
 * Postgres (GET /v1/audit). `before` and `after` are what the API shows of the target: never a secret.
 */
export const AuditRecordSchema = Type.Object({
  id: Type.String({ pattern: UUID, description: 'Unique per change: a record delivered twice is kept once.' }),
  at: Instant(),
  service: Type.String({ minLength: 1, maxLength: 64 }),
  actor: Type.String({ minLength: 1, maxLength: 128, description: 'The name of the API key that made the change (never its secret).' }),
  action: OneOf(AUDIT_ACTIONS),
  target: Type.String({ minLength: 1, maxLength: 256, description: 'What changed, as kind:id (rule:velocity-10m, webhook:6f1c…, model:active).' }),
  before: Type.Optional(Type.Unknown({ description: 'The target before the change; null or absent when it did not exist.' })),
  after: Type.Optional(Type.Unknown({ description: 'The target after the change; null or absent when it was removed.' })),
});

export type AuditRecord = Static<typeof AuditRecordSchema>;

export const auditRecordCodec = new PayloadCodec({
  topic: Topics.audit,
  title: 'an audit record',
  description: "One administrative change (rules, models, webhooks) made through a service's API. Keyed by the target.",
  schemaVersion: 1,
  schema: AuditRecordSchema,
});
