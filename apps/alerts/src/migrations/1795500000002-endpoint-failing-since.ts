import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When an endpoint's current run of failures began (null while it succeeds): sustained failure disables it. */
export class EndpointFailingSince1795500000002 implements MigrationInterface {
  name = 'EndpointFailingSince1795500000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE webhook_endpoints ADD COLUMN failing_since timestamptz');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE webhook_endpoints DROP COLUMN failing_since');
  }
}
