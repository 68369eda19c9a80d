import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Due deliveries per endpoint, oldest first: the claim takes each endpoint's free slots straight from
 * it. The index over all endpoints' due deliveries made a claim read up to 800 of them (and rank them)
 * to start a few; with a backlog that was ~1 ms of Postgres per claim, one claim per finished delivery.
 * Built CONCURRENTLY, outside a transaction: webhook_deliveries keeps every delivery ever made, and a
 * plain build would hold up the intake and the dispatcher while it reads them all.
 */
export class DeliveriesDuePerEndpoint1795500000003 implements MigrationInterface {
  name = 'DeliveriesDuePerEndpoint1795500000003';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    // An interrupted concurrent build leaves an invalid index behind: start again from nothing.
    await runner.query('DROP INDEX CONCURRENTLY IF EXISTS webhook_deliveries_endpoint_due');
    await runner.query(
      `CREATE INDEX CONCURRENTLY webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending'`,
    );
    await runner.query('DROP INDEX CONCURRENTLY IF EXISTS webhook_deliveries_due');
  }

  // TypeORM reverts in a transaction (unless told 'none'), whatever `transaction` says: plain statements here.
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await runner.query('DROP INDEX IF EXISTS webhook_deliveries_endpoint_due');
  }
}
