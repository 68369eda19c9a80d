import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProfiles1795400000000 implements MigrationInterface {
  name = 'CreateProfiles1795400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE profiles (
        user_id text PRIMARY KEY,
        first_seen_at timestamptz,
        last_seen_at timestamptz,
        event_count integer NOT NULL DEFAULT 0,
        counts_by_type jsonb NOT NULL DEFAULT '{}',
        transaction_count integer NOT NULL DEFAULT 0,
        total_amount double precision NOT NULL DEFAULT 0,
        last_country text,
        last_city text,
        last_located_at timestamptz,
        countries jsonb NOT NULL DEFAULT '[]',
        devices jsonb NOT NULL DEFAULT '[]',
        page_categories jsonb NOT NULL DEFAULT '{}',
        last_risk_score double precision,
        last_scored_at timestamptz,
        risk_band text NOT NULL DEFAULT 'unknown',
        alert_count integer NOT NULL DEFAULT 0,
        segments jsonb NOT NULL DEFAULT '[]',
        version integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // GET /v1/profiles pages by (last_seen_at, user_id), newest first, optionally within a risk band or segment.
    await runner.query('CREATE INDEX profiles_last_seen ON profiles (last_seen_at DESC, user_id DESC)');
    await runner.query('CREATE INDEX profiles_risk_band_last_seen ON profiles (risk_band, last_seen_at DESC, user_id DESC)');
    await runner.query('CREATE INDEX profiles_segments ON profiles USING gin (segments)');
    await runner.query(`
      CREATE TABLE consumer_positions (
        group_name text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        last_offset text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_name, topic, partition)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE consumer_positions');
    await runner.query('DROP TABLE profiles');
  }
}
