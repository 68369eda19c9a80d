import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type TopicMap } from '@app/contracts';
import { createOwnDatabase } from './own-database';
import { SuiteProcesses } from './suite-processes';
import type { SuiteProcessName } from './suite-topology';
import { testEnv, uniqueName } from './test-env';
import { collectTopic } from './topic-collector';
import { startWebhookReceiver } from './webhook-receiver';

export interface TestDeploymentOptions {
  /** What names its topics, groups, database, state and lake. */
  name: string;
  busUrl: string;
  partitions: number;
  /** Its Redis (a database number of the test Redis keeps deployments apart); the tests' own by default. */
  redisUrl?: string;
  /** Instances per process, one each by default. */
  instances?: Partial<Record<SuiteProcessName, number>>;
  /** Settings over the defaults (a quick lake roll, webhooks to 127.0.0.1 retried within seconds). */
  env?: Record<string, string>;
}

/**
 * One deployment of the suite that a test owns, as processes (SuiteProcesses): its topics and groups
 * behind a prefix of their own, its Postgres database, scoring state prefix and lake folder, and a
 * webhook receiver registered with its alerts. `stop` removes all of it.
 */
export class TestDeployment {
  private readonly readers: Array<Awaited<ReturnType<typeof collectTopic>>> = [];

  private constructor(
    readonly topics: TopicMap,
    readonly bus: MessageBus,
    readonly lakeDir: string,
    private readonly database: Awaited<ReturnType<typeof createOwnDatabase>>,
    readonly receiver: Awaited<ReturnType<typeof startWebhookReceiver>>,
    readonly suite: SuiteProcesses,
    /** The registered endpoint's signing secret. */
    readonly secret: string,
  ) {}

  static async start(options: TestDeploymentOptions): Promise<TestDeployment> {
    const prefix = `${uniqueName(options.name)}.`;
    const topics = topicNames(prefix);
    const bus = createBus({ url: options.busUrl, clientId: options.name, logger: silentBusLogger });
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: options.partitions })));
    const [lakeDir, database, receiver] = await Promise.all([
      mkdtemp(join(tmpdir(), `${options.name}-lake-`)),
      createOwnDatabase(options.name),
      startWebhookReceiver(),
    ]);
    const suite = await SuiteProcesses.start(
      {
        LOG_LEVEL: 'fatal',
        BUS_URL: options.busUrl,
        BUS_TOPIC_PREFIX: prefix,
        BUS_PARTITIONS: String(options.partitions),
        REDIS_URL: options.redisUrl ?? testEnv.redisUrl,
        DATABASE_URL: database.url,
        LAKE_DIR: lakeDir,
        LAKE_ROLL_INTERVAL_MS: '500',
        SCORING_STATE_PREFIX: uniqueName(options.name),
        WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
        WEBHOOK_RETRY_SCHEDULE: '0.2,0.5,1,1,1',
        WEBHOOK_POLL_MS: '100',
        ...options.env,
      },
      `${options.name}-test-key-123`,
      options.instances,
    );
    const created = await suite.call('alerts', '/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url }) });
    const { secret } = (await created.json()) as { secret: string };
    return new TestDeployment(topics, bus, lakeDir, database, receiver, suite, secret);
  }

  /** Everything on one of its topics from now on, read by a group of the test's own (stopped with the deployment). */
  async collect(topic: string): Promise<Awaited<ReturnType<typeof collectTopic>>> {
    const reader = await collectTopic(this.bus, topic, this.topics.invalid);
    this.readers.push(reader);
    return reader;
  }

  /** GET /v1/profiles/{userId} on profile-api. */
  profile(userId: string): Promise<Response> {
    return this.suite.call('profile-api', `/v1/profiles/${userId}`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.readers.map((reader) => reader.consumer.stop().catch(() => undefined)));
    await this.suite.stop();
    await this.receiver.close();
    await this.bus.deleteTopics(Object.values(this.topics)).catch(() => undefined);
    await this.bus.close();
    await this.database.drop();
    await rm(this.lakeDir, { recursive: true, force: true });
  }
}
