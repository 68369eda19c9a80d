import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One customer's alerts, newest first (GET /v1/alerts?userId=..., the console's customer page). */
export class AlertsByUser1795500000005 implements MigrationInterface {
  name = 'AlertsByUser1795500000005';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX alerts_user_received ON alerts (user_id, received_at DESC, alert_id DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX alerts_user_received');
  }
}
