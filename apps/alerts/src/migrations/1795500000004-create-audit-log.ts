import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail: every administrative change of every service, as published on `audit`. Kept without end. */
export class CreateAuditLog1795500000004 implements MigrationInterface {
  name = 'CreateAuditLog1795500000004';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY,
        at timestamptz NOT NULL,
        service text NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        before jsonb,
        after jsonb
      )`);
    // Newest first, page by page (GET /v1/audit), and one target's history.
    await runner.query('CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC)');
    await runner.query('CREATE INDEX audit_log_target_at ON audit_log (target, at DESC, id DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE audit_log');
  }
}
