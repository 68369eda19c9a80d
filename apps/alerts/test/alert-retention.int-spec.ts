import { Client } from 'pg';
import { loadConfig } from '@app/platform';
import { bootApp, createOwnDatabase, testEnv, uniqueName, untilReady, type BootedApp } from '@app/testing';
import { alertsEnv } from '../src/alerts.config';
import { AlertsModule } from '../src/alerts.module';
import { AlertRetentionService, PRUNE_BATCH } from '../src/retention/alert-retention.service';

/** Alerts past ALERTS_RETENTION_DAYS go with their deliveries and attempts; one still being delivered stays. */
describe('alerts: retention', () => {
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let app: BootedApp;
  let sql: Client;

  beforeAll(async () => {
    database = await createOwnDatabase('alerts_retention');
    app = await untilReady(
      await bootApp(
        AlertsModule.forRoot(
          loadConfig(alertsEnv, {
            API_KEYS: 'retention-test-key',
            LOG_LEVEL: 'silent',
            BUS_URL: testEnv.redisUrl,
            BUS_TOPIC_PREFIX: `${uniqueName('retention')}.`,
            DATABASE_URL: database.url,
            ALERTS_RETENTION_DAYS: '30',
          }),
        ),
        'alerts',
      ),
    );
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql.end();
    await app.close();
    await database.drop();
  });

  /** `count` alerts received `daysAgo` days ago, each with one delivery of `status` and one attempt. */
  const alerts = (prefix: string, count: number, daysAgo: number, status: 'delivered' | 'failed' | 'pending') =>
    sql.query(
      `WITH endpoint AS (
       INSERT INTO webhook_endpoints (url, secret, enabled) VALUES ('http://127.0.0.1:9/off', 'whsec_x', false) RETURNING id
     ), made AS (
       INSERT INTO alerts (alert_id, user_id, event_type, score, payload, received_at)
       SELECT $1 || n, 'u', 'transaction', 0.9, '{}', now() - make_interval(days => $3) FROM generate_series(1, $2) n RETURNING alert_id
     ), deliveries AS (
       INSERT INTO webhook_deliveries (alert_id, endpoint_id, status) SELECT alert_id, endpoint.id, $4 FROM made, endpoint RETURNING id
     )
     INSERT INTO webhook_attempts (delivery_id, status_code, latency_ms) SELECT id, 200, 5 FROM deliveries`,
      [prefix, count, daysAgo, status],
    );
  const counted = async (table: string, prefix: string) => {
    const joined =
      table === 'alerts'
        ? 'alerts x'
        : table === 'webhook_deliveries'
          ? 'webhook_deliveries x'
          : 'webhook_attempts t JOIN webhook_deliveries x ON x.id = t.delivery_id';
    return Number((await sql.query(`SELECT count(*) AS n FROM ${joined} WHERE x.alert_id LIKE $1 || '%'`, [prefix])).rows[0].n);
  };

  it('deletes the old alerts with their deliveries and attempts, a batch at a time, and keeps the recent and the undelivered', async () => {
    await alerts('old-', PRUNE_BATCH * 2 + 500, 31, 'delivered');
    await alerts('old-failed-', 10, 40, 'failed');
    await alerts('old-pending-', 3, 31, 'pending');
    await alerts('recent-', 20, 29, 'delivered');

    expect(await app.app.get(AlertRetentionService).pruneOnce()).toBe(PRUNE_BATCH * 2 + 510);
    for (const table of ['alerts', 'webhook_deliveries', 'webhook_attempts']) {
      expect([table, await counted(table, 'old-'), await counted(table, 'old-pending-'), await counted(table, 'recent-')]).toEqual([table, 3, 3, 20]);
    }
  });

  it('clears a rotated-out secret once its window has ended, and keeps one still in its window', async () => {
    const ended = (
      await sql.query(
        `INSERT INTO webhook_endpoints (url, secret, previous_secret, previous_secret_expires_at, enabled) VALUES ('http://127.0.0.1:9/a', 'whsec_new', 'whsec_old', now() - interval '1 minute', false) RETURNING id`,
      )
    ).rows[0].id as string;
    const open = (
      await sql.query(
        `INSERT INTO webhook_endpoints (url, secret, previous_secret, previous_secret_expires_at, enabled) VALUES ('http://127.0.0.1:9/b', 'whsec_new', 'whsec_old', now() + interval '1 hour', false) RETURNING id`,
      )
    ).rows[0].id as string;
    await app.app.get(AlertRetentionService).pruneOnce();
    const previous = async (id: string) =>
      (await sql.query('SELECT previous_secret FROM webhook_endpoints WHERE id = $1', [id])).rows[0].previous_secret as string | null;
    expect([await previous(ended), await previous(open)]).toEqual([null, 'whsec_old']);
  });
});
