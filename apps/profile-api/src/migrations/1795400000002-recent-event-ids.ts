import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The ids of a profile's latest folded events: an event published twice is folded once. */
export class RecentEventIds1795400000002 implements MigrationInterface {
  name = 'RecentEventIds1795400000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE profiles ADD COLUMN recent_event_ids jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE profiles DROP COLUMN recent_event_ids');
  }
}
