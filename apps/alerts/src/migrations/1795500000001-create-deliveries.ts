import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDeliveries1795500000001 implements MigrationInterface {
  name = 'CreateDeliveries1795500000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE alerts (
        alert_id text PRIMARY KEY,
        user_id text NOT NULL,
        event_type text NOT NULL,
        score double precision NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX alerts_received ON alerts (received_at DESC, alert_id DESC)');
    // One row per (alert, endpoint): the unique pair makes fan-out idempotent, and the row's id is the
    // webhook-id every attempt carries. The dispatcher claims due rows with FOR UPDATE SKIP LOCKED.
    await runner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alert_id text NOT NULL REFERENCES alerts (alert_id),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending',
        attempt_count integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_status integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (alert_id, endpoint_id)
      )`);
    await runner.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await runner.query('CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC)');
    await runner.query(`
      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        status_code integer,
        latency_ms integer NOT NULL,
        error text
      )`);
    await runner.query('CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE webhook_attempts');
    await runner.query('DROP TABLE webhook_deliveries');
    await runner.query('DROP TABLE alerts');
  }
}
