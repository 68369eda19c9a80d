import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The events whose alerts a profile counted lately: a score published twice counts once. */
export class RecentAlertIds1795400000001 implements MigrationInterface {
  name = 'RecentAlertIds1795400000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE profiles ADD COLUMN recent_alert_event_ids jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE profiles DROP COLUMN recent_alert_event_ids');
  }
}
