import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type EventIn, type Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { loadConfig } from '@app/platform';
import {
  bootApp,
  busUrlsUnderTest,
  collectTopic,
  createOwnDatabase,
  startWebhookReceiver,
  testEnv,
  uniqueName,
  untilReady,
  type BootedApp,
} from '@app/testing';
import { alertsEnv } from '../../apps/alerts/src/alerts.config';
import { AlertsModule } from '../../apps/alerts/src/alerts.module';
import { ingestEnv } from '../../apps/ingest/src/ingest.config';
import { IngestModule } from '../../apps/ingest/src/ingest.module';
import { lakeEnv } from '../../apps/lake/src/lake.config';
import { LakeModule } from '../../apps/lake/src/lake.module';
import { profileApiEnv } from '../../apps/profile-api/src/profile-api.config';
import { ProfileApiModule } from '../../apps/profile-api/src/profile-api.module';
import { scoringEnv } from '../../apps/scoring/src/scoring.config';
import { ScoringModule } from '../../apps/scoring/src/scoring.module';
import { simulationOptions } from '../../tools/simulate/simulate';
import { simulate, withIdPrefix } from '../../tools/simulate/simulation';
import { expectNothingLostNothingTwice } from './support/suite-invariants';

const API_KEY = 'e2e-test-key-123';

/**
 * The four services as one product, on each bus engine: simulated traffic goes in over HTTP, and then
 * every accepted event is in the lake exactly once, every customer's profile counts what was sent,
 * every event was scored, and every alert reached the fraud team's receiver once, signed.
 */
describe.each(busUrlsUnderTest)('the suite on %s: simulated traffic end to end', (engine, busUrl) => {
  const prefix = `${uniqueName(`e2e-${engine}`)}.`;
  const topics = topicNames(prefix);
  const run = uniqueName('e2e');
  let lakeDir: string;
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let bus: MessageBus;
  const apps: BootedApp[] = [];
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let events: Array<EventIn & { eventId: string }>;

  beforeAll(async () => {
    // The traffic first: simulating it holds this process for seconds, and the apps run in this process. Done
    // after they were ready, it let a keep-alive connection of the readiness checks be closed by the server
    // just as the first request reused it (ECONNRESET).
    const geo = await GeoLookup.open();
    events = [...simulate(simulationOptions({ seed: '11', customers: '150', terminals: '300', days: '8' }, geo))].map(({ event }) =>
      withIdPrefix(event, `${run}-`),
    );
    lakeDir = await mkdtemp(join(tmpdir(), 'e2e-lake-'));
    database = await createOwnDatabase(`e2e_${engine}`);
    bus = createBus({ url: busUrl, clientId: 'e2e-test', logger: silentBusLogger });
    const env = {
      API_KEYS: API_KEY,
      LOG_LEVEL: 'warn',
      BUS_URL: busUrl,
      BUS_TOPIC_PREFIX: prefix,
      BUS_PARTITIONS: '2',
      REDIS_URL: testEnv.redisUrl,
      DATABASE_URL: database.url,
    };
    apps.push(await bootApp(IngestModule.forRoot(loadConfig(ingestEnv, env)), 'ingest'));
    apps.push(await bootApp(ScoringModule.forRoot(loadConfig(scoringEnv, { ...env, SCORING_STATE_PREFIX: run })), 'scoring'));
    apps.push(await untilReady(await bootApp(ProfileApiModule.forRoot(loadConfig(profileApiEnv, env)), 'profile-api')));
    apps.push(await untilReady(await bootApp(AlertsModule.forRoot(loadConfig(alertsEnv, { ...env, WEBHOOK_ALLOWED_TARGETS: '127.0.0.1' })), 'alerts')));
    apps.push(await bootApp(LakeModule.forRoot(loadConfig(lakeEnv, { ...env, LAKE_DIR: lakeDir, LAKE_ROLL_INTERVAL_MS: '300' })), 'lake'));
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await receiver.close();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await database.drop();
    await rm(lakeDir, { recursive: true, force: true });
  });

  const [ingest, , profiles, alerts] = [0, 1, 2, 3].map(
    (i) =>
      (path: string, init: RequestInit = {}) =>
        fetch(`${apps[i].url}${path}`, { ...init, headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...init.headers } }),
  );

  it('lands every accepted event in the lake once, folds it into its profile, scores it, and delivers every alert once, signed', async () => {
    const { secret } = (await (await alerts('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url }) })).json()) as { secret: string };
    const scores = await collectTopic(bus, topics.scores, topics.invalid);
    const raised = await collectTopic(bus, topics.alerts, topics.invalid);

    let accepted = 0;
    for (let i = 0; i < events.length; i += 250) {
      const response = await ingest('/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: events
          .slice(i, i + 250)
          .map((e) => JSON.stringify(e))
          .join('\n'),
      });
      expect(response.status).toBe(202);
      accepted += ((await response.json()) as { accepted: number }).accepted;
    }
    expect(accepted).toBe(events.length);
    await expectNothingLostNothingTwice(
      {
        events,
        scores: () => scores.values() as Score[],
        received: receiver.received,
        secret,
        lakeDir,
        profile: (userId) => profiles(`/v1/profiles/${userId}`),
      },
      60_000,
    );
    // Undisturbed, nothing is even redelivered: every event scored once, every alert raised and sent once.
    expect(scores.records).toHaveLength(events.filter((e) => e.type !== 'chargeback').length);
    const alerted = (scores.values() as Score[]).filter((s) => s.alert).length;
    expect(receiver.received).toHaveLength(alerted);
    expect(raised.records).toHaveLength(alerted);
    for (const c of [scores, raised]) await c.consumer.stop();
  });
});
