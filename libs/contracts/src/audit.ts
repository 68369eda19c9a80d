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

/**
 * One administrative change, published on `audit` by the service that made it and kept by alerts in
 * Postgres (GET /v1/audit). `before` and `after` are what the API shows of the target: never a secret.
 */
export interface AuditRecord {
  /** Unique per change: a record delivered twice is kept once. */
  id: string;
  at: string;
  service: string;
  /** The name of the API key that made the change (never its secret). */
  actor: string;
  action: AuditAction;
  /** What changed, as `kind:id` (`rule:velocity-10m`, `webhook:6f1c…`, `model:active`). */
  target: string;
  before: unknown;
  after: unknown;
}
