import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Due deliveries per endpoint, oldest first: the claim takes each endpoint's free slots straight from
 * it. The index over all endpoints' due deliveries made a claim read up to 800 of them (and rank them)
 * to start a few; with a backlog that was ~1 ms of Postgres per claim, one claim per finished delivery.
 */
export class DeliveriesDuePerEndpoint1795500000003 implements MigrationInterface {
  name = 'DeliveriesDuePerEndpoint1795500000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending'`);
    await runner.query('DROP INDEX webhook_deliveries_due');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await runner.query('DROP INDEX webhook_deliveries_endpoint_due');
  }
}
