import { z } from 'zod';
import { recordJson, type BusRecord } from '@app/bus';
import { AUDIT_ACTIONS, type AuditRecord } from '@app/contracts';
import { describeIssues } from '@app/platform';

const auditRecord = z.object({
  id: z.string().uuid(),
  at: z.string().datetime({ offset: true }),
  service: z.string().min(1).max(64),
  actor: z.string().min(1).max(128),
  action: z.enum(AUDIT_ACTIONS),
  target: z.string().min(1).max(256),
  before: z.unknown(),
  after: z.unknown(),
});

/** The audit record a record carries, or why it carries none. */
export function parseAuditRecord(record: BusRecord): AuditRecord | string {
  const value = recordJson(record);
  if (typeof value === 'string') return value;
  const parsed = auditRecord.safeParse(value);
  if (!parsed.success) return `not an audit record: ${describeIssues(parsed.error).join('; ')}`;
  return { ...parsed.data, before: parsed.data.before ?? null, after: parsed.data.after ?? null };
}
