import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import {
  collectTopic,
  sleep,
  startOwnedKafka,
  startOwnedPostgres,
  startOwnedRedis,
  startWebhookReceiver,
  SuiteProcesses,
  uniqueName,
  type OwnedServer,
} from '@app/testing';
import { Client } from 'pg';
import { simulationOptions } from '../../tools/simulate/simulate';
import { simulate, withIdPrefix } from '../../tools/simulate/simulation';
import { expectNothingLostNothingTwice } from './support/suite-invariants';

/** Kill -9 (Postgres: an immediate shutdown, recovered from its WAL), and back after `downMs`. */
const outage = (server: OwnedServer, downMs: number) => async () => {
  await server.kill();
  await sleep(downMs);
  await server.start();
};

async function failedAttempts(databaseUrl: string): Promise<number> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ failed: string }>('SELECT count(*) AS failed FROM webhook_attempts WHERE status_code IS NULL OR status_code >= 300');
    return Number(rows[0].failed);
  } finally {
    await db.end();
  }
}

/** Bounded: if no delivery fails within `limitMs`, the final assertion says so. */
async function waitForFailedAttempts(databaseUrl: string, moreThan: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if ((await failedAttempts(databaseUrl).catch(() => 0)) > moreThan) return;
    await sleep(250);
  }
}

/**
 * What the services stand on fails under load: the broker, Redis, Postgres, and the fraud team's
 * receiver, each in turn. Clients resend what ingest refused; afterwards nothing is lost and nothing is
 * counted twice (see expectNothingLostNothingTwice). On Redis Streams, Redis is also the broker.
 */
describe.each(['redis', 'kafka'] as const)('the suite survives its infrastructure failing under load, on %s', (engine) => {
  const prefix = `${uniqueName('infra')}.`;
  const topics = topicNames(prefix);
  const servers: Partial<Record<'kafka' | 'redis' | 'postgres', OwnedServer>> = {};
  let lakeDir: string;
  let bus: MessageBus;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let suite: SuiteProcesses;

  beforeAll(async () => {
    lakeDir = await mkdtemp(join(tmpdir(), 'infra-lake-'));
    [servers.redis, servers.postgres] = await Promise.all([startOwnedRedis(), startOwnedPostgres()]);
    if (engine === 'kafka') servers.kafka = await startOwnedKafka();
    const busUrl = servers.kafka ? `kafka://${servers.kafka.url}` : servers.redis.url;
    bus = createBus({ url: busUrl, clientId: 'infra-faults-test', logger: silentBusLogger });
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 2 })));
    receiver = await startWebhookReceiver();
    suite = await SuiteProcesses.start(
      {
        LOG_LEVEL: 'fatal',
        BUS_URL: busUrl,
        BUS_TOPIC_PREFIX: prefix,
        BUS_PARTITIONS: '2',
        REDIS_URL: servers.redis.url,
        DATABASE_URL: servers.postgres.url,
        LAKE_DIR: lakeDir,
        LAKE_ROLL_INTERVAL_MS: '300',
        WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
        WEBHOOK_RETRY_SCHEDULE: '0.3,0.5,1,1,2,2,5,5',
        WEBHOOK_POLL_MS: '100',
      },
      'infra-fault-key-123',
    );
  }, 240_000);

  afterAll(async () => {
    await suite?.stop();
    await receiver?.close();
    await bus?.close();
    await Promise.all(Object.values(servers).map((server) => server.dispose()));
    await rm(lakeDir, { recursive: true, force: true });
  }, 120_000);

  it('loses nothing and counts nothing twice', async () => {
    const { secret } = (await (await suite.call('alerts', '/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url }) })).json()) as {
      secret: string;
    };
    const scores = await collectTopic(bus, topics.scores, topics.invalid);
    const geo = await GeoLookup.open();
    const run = uniqueName('infra');
    const events = [...simulate(simulationOptions({ seed: '7', customers: '200', terminals: '400', days: '10' }, geo))].map(({ event }) =>
      withIdPrefix(event, `${run}-`),
    );

    const { kafka, redis, postgres } = servers as Required<typeof servers>;
    let receiverOutageFailures = 0;
    await suite.sendThrough(events, [
      ...(kafka ? [outage(kafka, 1_000)] : []),
      outage(redis, 1_000),
      outage(postgres, 2_000),
      async () => {
        // Down until a delivery has failed: a fixed window can fall where scoring sends no alert.
        const before = await failedAttempts(postgres.url);
        await receiver.down();
        await waitForFailedAttempts(postgres.url, before, 90_000);
        receiverOutageFailures = (await failedAttempts(postgres.url)) - before;
        await receiver.up();
      },
    ]);

    await expectNothingLostNothingTwice(
      {
        events,
        scores: () => scores.values() as Score[],
        received: receiver.received,
        secret,
        lakeDir,
        profile: (userId) => suite.call('profile-api', `/v1/profiles/${userId}`),
      },
      120_000,
    );
    await scores.consumer.stop();

    // The receiver's outage was felt: deliveries failed, and were retried until they arrived.
    expect(receiverOutageFailures).toBeGreaterThan(0);
  }, 400_000);
});
