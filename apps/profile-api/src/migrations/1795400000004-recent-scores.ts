import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A profile's latest scores (the console's customer page shows them beside the alerts). */
export class RecentScores1795400000004 implements MigrationInterface {
  name = 'RecentScores1795400000004';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE profiles ADD COLUMN recent_scores jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE profiles DROP COLUMN recent_scores');
  }
}
