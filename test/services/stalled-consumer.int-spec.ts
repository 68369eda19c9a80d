import { createBus, partitionForKey, silentBusLogger, type MessageBus } from '@app/bus';
import { consumerGroup, ConsumerGroups, topicNames } from '@app/contracts';
import { loadConfig } from '@app/platform';
import { apiCall, bootApp, enrichedEvent, eventually, scoreOf, startOwnedPostgres, testEnv, uniqueName, type BootedApp, type OwnedServer } from '@app/testing';
import { profileApiEnv } from '../../apps/profile-api/src/profile-api.config';
import { ProfileApiModule } from '../../apps/profile-api/src/profile-api.module';

const API_KEY = 'stall-test-key-1';

/**
 * Readiness means "doing its job": profile-api whose database goes away keeps its batch in hand, and
 * after BUS_STALL_AFTER_S its readiness names the group and partition that stopped advancing; once the
 * database is back the batch is folded and the service is ready again.
 */
describe('a consumer that stops advancing makes its service not ready, naming the partition', () => {
  const prefix = `${uniqueName('stall')}.`;
  const topics = topicNames(prefix);
  let postgres: OwnedServer;
  let bus: MessageBus;
  let app: BootedApp;

  beforeAll(async () => {
    postgres = await startOwnedPostgres();
    bus = createBus({ url: testEnv.redisUrl, clientId: 'stall-test', logger: silentBusLogger });
    app = await bootApp(
      ProfileApiModule.forRoot(
        loadConfig(profileApiEnv, {
          API_KEYS: API_KEY,
          LOG_LEVEL: 'silent',
          BUS_URL: testEnv.redisUrl,
          BUS_TOPIC_PREFIX: prefix,
          BUS_PARTITIONS: '2',
          DATABASE_URL: postgres.url,
          BUS_STALL_AFTER_S: '2',
        }),
      ),
      'profile-api',
    );
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await bus?.deleteTopics(Object.values(topics));
    await bus?.close();
    await postgres?.dispose();
  }, 60_000);

  const ready = async () => {
    const res = await fetch(`${app.url}/health/ready`);
    return {
      status: res.status,
      body: (await res.json()) as {
        details?: Record<string, { status: string; message?: string }>;
        error?: { details?: { details?: Record<string, { status: string; message?: string }> } };
      },
    };
  };
  const login = (userId: string, minute: number) => scoreOf(enrichedEvent({ userId, occurredAt: `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z` }));
  const profile = async (userId: string) => (await apiCall(app.url, API_KEY)('GET', `/v1/profiles/${userId}`)).json() as Promise<{ eventCount?: number }>;

  it('answers 503 naming the stalled partition while its batch cannot be stored, and 200 once it is', async () => {
    const user = uniqueName('u');
    await eventually(async () => expect((await ready()).status).toBe(200));
    await bus.publish(topics.scores, [{ key: user, value: JSON.stringify(login(user, 0)) }]);
    await eventually(async () => expect((await profile(user)).eventCount).toBe(1));

    await postgres.kill();
    await bus.publish(topics.scores, [{ key: user, value: JSON.stringify(login(user, 1)) }]);
    const partition = partitionForKey(user, 2);
    await eventually(
      async () => {
        const { status, body } = await ready();
        expect(status).toBe(503);
        const consumers = (body.details ?? body.error?.details?.details)?.consumers;
        expect(consumers).toEqual({
          status: 'down',
          message: expect.stringContaining(
            `group ${consumerGroup(prefix, ConsumerGroups.profiles)}, ${topics.scores} partition ${partition}: has not advanced for`,
          ),
        });
        // A driver's error (its host and port) stays in the log: the answer names the dependency only.
        expect((body.details ?? body.error?.details?.details)?.postgres).toEqual({ status: 'down' });
        expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      },
      { timeoutMs: 30_000 },
    );

    await postgres.start();
    await eventually(async () => expect((await profile(user)).eventCount).toBe(2), { timeoutMs: 60_000 });
    await eventually(async () => expect((await ready()).status).toBe(200), { timeoutMs: 30_000 });
  }, 180_000);
});
