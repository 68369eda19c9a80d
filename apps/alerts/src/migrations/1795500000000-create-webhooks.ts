import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhooks1795500000000 implements MigrationInterface {
  name = 'CreateWebhooks1795500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        description text,
        min_score double precision,
        event_types jsonb NOT NULL DEFAULT '[]',
        reason_codes jsonb NOT NULL DEFAULT '[]',
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        max_in_flight integer NOT NULL DEFAULT 4,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE webhook_endpoints');
  }
}
