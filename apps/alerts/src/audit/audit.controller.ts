import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AUDIT_ACTIONS, AuditRecordSchema, type AuditRecord } from '@app/contracts';
import { RequireScope, validateInput } from '@app/platform';
import { AuditLogRepository } from './audit-log.repository';

/** A page's position: the last record's time and id, opaque to clients. */
const cursor = z.string().transform((text, ctx) => {
  const [at, id] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const when = new Date(at ?? '');
  if (Number.isNaN(when.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not a cursor this API gave' });
    return z.NEVER;
  }
  return { at: when, id };
});
const auditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: cursor.optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    actor: z.string().max(128).optional(),
    target: z.string().max(256).optional(),
  })
  .strict();

const toCursor = (record: AuditRecord) => Buffer.from(`${record.at}|${record.id}`).toString('base64url');

const EXAMPLE: AuditRecord = {
  id: '3d0f6a52-8c1b-4e7a-9f21-5b6c7d8e9f01',
  at: '2026-11-23T10:00:00.000Z',
  service: 'scoring',
  actor: 'fraud-team',
  action: 'rule.put',
  target: 'rule:velocity-10m',
  before: null,
  after: { id: 'velocity-10m', enabled: true, when: [{ feature: 'user.tx_count.10m', op: '>=', value: 8 }], action: 'alert', reasonCode: 'VELOCITY_10M' },
};

@ApiTags('audit')
@RequireScope('admin')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly auditLog: AuditLogRepository) {}

  @Get()
  @ApiOperation({
    summary:
      "Every administrative change of every service, newest first: who (the API key's name), when, what action on which target, and the target before and after. `next` fetches the following page.",
  })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: '1-500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: "the previous page's `next`" })
  @ApiQuery({ name: 'action', required: false, enum: AUDIT_ACTIONS })
  @ApiQuery({ name: 'actor', required: false, example: 'fraud-team' })
  @ApiQuery({ name: 'target', required: false, example: 'rule:velocity-10m' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['items', 'next'],
      // The audit payload's own JSON Schema (libs/contracts), as the audit topic publishes it.
      properties: { items: { type: 'array', items: AuditRecordSchema as object }, next: { type: 'string', nullable: true } },
      example: { items: [EXAMPLE], next: null },
    },
  })
  async list(@Query() query: Record<string, unknown>): Promise<{ items: AuditRecord[]; next: string | null }> {
    const { limit, cursor: after, ...filter } = validateInput(auditQuery, query, 'INVALID_QUERY', 'the query is not valid');
    const items = await this.auditLog.list({ limit, after, ...filter });
    return { items, next: items.length === limit ? toCursor(items[items.length - 1]) : null };
  }
}
