import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dead letters as events.invalid carries them, kept for a week: what the console's Pipeline page sums by reason. */
export class CreateDeadLetters1795500000006 implements MigrationInterface {
  name = 'CreateDeadLetters1795500000006';

  async up(runner: QueryRunner): Promise<void> {
    // One row per dead letter, named by where its original was (a redelivered batch stores nothing twice).
    await runner.query(`
      CREATE TABLE dead_letters (
        consumer_group text NOT NULL,
        origin_topic text NOT NULL,
        origin_partition integer NOT NULL,
        origin_offset text NOT NULL,
        reason text NOT NULL,
        dead_lettered_at timestamptz NOT NULL,
        payload text NOT NULL,
        PRIMARY KEY (consumer_group, origin_topic, origin_partition, origin_offset)
      )`);
    await runner.query('CREATE INDEX dead_letters_at ON dead_letters (dead_lettered_at DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE dead_letters');
  }
}
