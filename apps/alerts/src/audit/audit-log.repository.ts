import { Injectable } from '@nestjs/common';
import type { AuditRecord } from '@app/contracts';
import { Database } from '@app/database';
import { databaseFailure } from '@app/platform';

export interface AuditQuery {
  limit: number;
  /** Only changes older than this position (the previous page's `next`). */
  after?: { at: Date; id: string };
  action?: string;
  actor?: string;
  target?: string;
}

interface AuditRow {
  id: string;
  at: Date;
  service: string;
  actor: string;
  action: AuditRecord['action'];
  target: string;
  before: unknown;
  after: unknown;
}

/** The audit trail in Postgres: the only place that knows its table. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly database: Database) {}

  /** Keeps records not seen before: a record delivered twice is kept once. */
  async store(records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const dataSource = await this.database.whenReady();
    try {
      await dataSource.query(
        `INSERT INTO audit_log (id, at, service, actor, action, target, before, after)
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[])
         ON CONFLICT (id) DO NOTHING`,
        [
          records.map((r) => r.id),
          records.map((r) => r.at),
          records.map((r) => r.service),
          records.map((r) => r.actor),
          records.map((r) => r.action),
          records.map((r) => r.target),
          records.map((r) => JSON.stringify(r.before)),
          records.map((r) => JSON.stringify(r.after)),
        ],
      );
    } catch (error) {
      throw databaseFailure('storing audit records failed', error);
    }
  }

  /** Newest first. */
  async list(query: AuditQuery): Promise<AuditRecord[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    /** `sql` gets the number of the first of `given`'s placeholders. */
    const where = (sql: (n: number) => string, ...given: unknown[]) => {
      conditions.push(sql(values.length + 1));
      values.push(...given);
    };
    if (query.after) where((n) => `(at, id) < ($${n}, $${n + 1})`, query.after.at, query.after.id);
    if (query.action) where((n) => `action = $${n}`, query.action);
    if (query.actor) where((n) => `actor = $${n}`, query.actor);
    if (query.target) where((n) => `target = $${n}`, query.target);
    values.push(query.limit);
    const rows = (await this.database.current().query(
      `SELECT id, at, service, actor, action, target, before, after FROM audit_log
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${values.length}`,
      values,
    )) as AuditRow[];
    return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
  }
}
