import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { collectTopic, createOwnDatabase, startWebhookReceiver, SUITE_PROCESS_NAMES, SuiteProcesses, testEnv, uniqueName } from '@app/testing';
import { simulationOptions } from '../../tools/simulate/simulate';
import { simulate, withIdPrefix } from '../../tools/simulate/simulation';
import { expectNothingLostNothingTwice } from './support/suite-invariants';

/**
 * Each service is killed with SIGKILL in turn while traffic flows, and started again. Afterwards
 * nothing is lost and nothing is counted twice (see expectNothingLostNothingTwice). Redis Streams.
 */
describe('the suite survives kill -9 of each service under load', () => {
  const prefix = `${uniqueName('faults')}.`;
  const topics = topicNames(prefix);
  const run = uniqueName('faults');
  let lakeDir: string;
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let bus: MessageBus;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let suite: SuiteProcesses;

  beforeAll(async () => {
    lakeDir = await mkdtemp(join(tmpdir(), 'faults-lake-'));
    database = await createOwnDatabase('faults');
    bus = createBus({ url: testEnv.redisUrl, clientId: 'faults-test', logger: silentBusLogger });
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 2 })));
    receiver = await startWebhookReceiver();
    suite = await SuiteProcesses.start({
      LOG_LEVEL: 'fatal', BUS_URL: testEnv.redisUrl, BUS_TOPIC_PREFIX: prefix, BUS_PARTITIONS: '2', REDIS_URL: testEnv.redisUrl, DATABASE_URL: database.url,
      LAKE_DIR: lakeDir, LAKE_ROLL_INTERVAL_MS: '300', SCORING_STATE_PREFIX: run, WEBHOOK_ALLOWED_TARGETS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '0.2,0.5,1,1,1', WEBHOOK_POLL_MS: '100',
    }, 'fault-test-key-123');
  }, 240_000);

  afterAll(async () => {
    await suite?.stop();
    await receiver?.close();
    await bus?.deleteTopics(Object.values(topics));
    await bus?.close();
    await database?.drop();
    await rm(lakeDir, { recursive: true, force: true });
  }, 120_000);

  it('loses nothing and counts nothing twice', async () => {
    const { secret } = (await (await suite.call('alerts', '/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url }) })).json()) as { secret: string };
    const scores = await collectTopic(bus, topics.scores, topics.invalid);
    const geo = await GeoLookup.open();
    const events = [...simulate(simulationOptions({ seed: '5', customers: '200', terminals: '400', days: '10' }, geo))].map(({ event }) => withIdPrefix(event, `${run}-`));

    await suite.sendThrough(events, SUITE_PROCESS_NAMES.map((service) => () => suite.crash(service)));

    await expectNothingLostNothingTwice({
      events, scores: () => scores.values() as Score[], received: receiver.received, secret, lakeDir,
      profile: (userId) => suite.call('profile-api', `/v1/profiles/${userId}`),
    });
    await scores.consumer.stop();
  }, 400_000);
});
