import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type EventIn, type Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { collectTopic, createOwnDatabase, startWebhookReceiver, SuiteProcesses, testEnv, uniqueName } from '@app/testing';
import { simulationOptions } from '../../tools/simulate/simulate';
import { simulate, withIdPrefix } from '../../tools/simulate/simulation';
import { expectNothingLostNothingTwice } from './support/suite-invariants';

/**
 * Two deployments of the suite on one Kafka broker and one Postgres server (docs/deploy.md, "Many
 * deployments on one cluster"): each with its own topic and group prefix, Postgres database, Redis
 * database and lake. Both are sent the very same events, ids included, at the same time: any store,
 * topic or group they shared would make one of them drop the other's events as copies, or count them
 * twice. Each must count every event exactly once.
 */
interface Deployment {
  name: string;
  topics: ReturnType<typeof topicNames>;
  lakeDir: string;
  database: Awaited<ReturnType<typeof createOwnDatabase>>;
  receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  suite: SuiteProcesses;
  secret: string;
  scores: Awaited<ReturnType<typeof collectTopic>>;
}

describe('two deployments side by side on one Kafka and one Postgres server', () => {
  const run = uniqueName('deployments');
  let bus: MessageBus;
  const deployments: Deployment[] = [];

  beforeAll(async () => {
    bus = createBus({ url: `kafka://${testEnv.kafkaBrokers}`, clientId: 'deployments-test', logger: silentBusLogger });
    // Databases 12 and 11 of the test Redis (the tests' own is 15, the benchmarks' 13 and 14).
    const redisDatabases = [12, 11];
    await Promise.all(['blue', 'green'].map(async (name, i) => {
      const prefix = `${uniqueName(name)}.`;
      const topics = topicNames(prefix);
      await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 4 })));
      const [lakeDir, database, receiver] = await Promise.all([mkdtemp(join(tmpdir(), `${name}-lake-`)), createOwnDatabase(name), startWebhookReceiver()]);
      const suite = await SuiteProcesses.start({
        LOG_LEVEL: 'fatal', BUS_URL: `kafka://${testEnv.kafkaBrokers}`, BUS_TOPIC_PREFIX: prefix, BUS_PARTITIONS: '4',
        REDIS_URL: testEnv.redisUrl.replace(/\/\d+$/, `/${redisDatabases[i]}`), DATABASE_URL: database.url, LAKE_DIR: lakeDir, LAKE_ROLL_INTERVAL_MS: '500',
        WEBHOOK_ALLOWED_TARGETS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '0.2,0.5,1,1,1', WEBHOOK_POLL_MS: '100',
      }, `${name}-deployment-key-123`);
      const created = await suite.call('alerts', '/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url }) });
      const { secret } = (await created.json()) as { secret: string };
      deployments.push({ name, topics, lakeDir, database, receiver, suite, secret, scores: await collectTopic(bus, topics.scores, topics.invalid) });
    }));
  }, 400_000);

  afterAll(async () => {
    for (const d of deployments) {
      await d.scores.consumer.stop().catch(() => undefined);
      await d.suite.stop();
      await d.receiver.close();
      await bus.deleteTopics(Object.values(d.topics)).catch(() => undefined);
      await d.database.drop();
      await rm(d.lakeDir, { recursive: true, force: true });
    }
    await bus?.close();
  }, 120_000);

  it('each counts the same events exactly once, unseen by the other', async () => {
    const geo = await GeoLookup.open();
    const events = [...simulate(simulationOptions({ seed: '13', customers: '150', terminals: '300', days: '8' }, geo))].map(({ event }) => withIdPrefix(event, `${run}-`)) as Array<EventIn & { eventId: string }>;
    await Promise.all(deployments.map(async (d) => {
      for (let sent = 0; sent < events.length; sent += 100) await d.suite.sendUntilAccepted(events.slice(sent, sent + 100));
    }));

    for (const d of deployments) {
      await expectNothingLostNothingTwice({
        events, scores: () => d.scores.values() as Score[], received: d.receiver.received, secret: d.secret, lakeDir: d.lakeDir,
        profile: (userId) => d.suite.call('profile-api', `/v1/profiles/${userId}`),
      }, 180_000);
    }
  }, 600_000);
});
