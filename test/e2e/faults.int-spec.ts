import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type Alert, type EventIn, type Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import {
  collectTopic, createOwnDatabase, eventually, freePort, killServiceProcess, readLake, sleep, startServiceProcess, startWebhookReceiver, stopServiceProcess, testEnv, uniqueName, verifyStandardWebhook,
} from '@app/testing';
import { simulationOptions } from '../../tools/simulate/simulate';
import { simulate, withIdPrefix } from '../../tools/simulate/simulation';

const API_KEY = 'fault-test-key-123';
const SERVICES = ['ingest', 'scoring', 'profile-api', 'alerts'] as const;
type Service = (typeof SERVICES)[number];

/**
 * Each service is killed with SIGKILL in turn while traffic flows, and started again. Afterwards
 * nothing is lost and nothing is counted twice: every event in the lake once, profiles counting
 * exactly what was sent (alerts included), every event scored, every alert delivered under one
 * webhook-id and signed. (Redis Streams; the services run as real processes, as in production.)
 */
describe('the suite survives kill -9 of each service under load', () => {
  const prefix = `${uniqueName('faults')}.`;
  const topics = topicNames(prefix);
  const run = uniqueName('faults');
  let lakeDir: string;
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let bus: MessageBus;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const ports = new Map<Service, number>();
  const processes = new Map<Service, ChildProcess>();
  let env: Record<string, string>;

  const start = async (service: Service) => processes.set(service, await startServiceProcess(service, ports.get(service) as number, env));
  const call = (service: Service, path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${ports.get(service)}${path}`, { ...init, headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...init.headers } });

  beforeAll(async () => {
    lakeDir = await mkdtemp(join(tmpdir(), 'faults-lake-'));
    database = await createOwnDatabase('faults');
    bus = createBus({ url: testEnv.redisUrl, clientId: 'faults-test', logger: silentBusLogger });
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 2 })));
    receiver = await startWebhookReceiver();
    for (const service of SERVICES) ports.set(service, await freePort());
    env = {
      API_KEYS: API_KEY, LOG_LEVEL: 'fatal', BUS_URL: testEnv.redisUrl, BUS_TOPIC_PREFIX: prefix, BUS_PARTITIONS: '2', REDIS_URL: testEnv.redisUrl, DATABASE_URL: database.url,
      LAKE_DIR: lakeDir, LAKE_ROLL_INTERVAL_MS: '300', SCORING_STATE_PREFIX: run, WEBHOOK_ALLOWED_TARGETS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '0.2,0.5,1,1,1', WEBHOOK_POLL_MS: '100',
    };
    await Promise.all(SERVICES.map(start));
  });

  afterAll(async () => {
    await Promise.all([...processes.values()].map(stopServiceProcess));
    await receiver.close();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await database.drop();
    await rm(lakeDir, { recursive: true, force: true });
  });

  it('loses nothing and counts nothing twice', async () => {
    const { secret } = (await (await call('alerts', '/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url }) })).json()) as { secret: string };
    const scores = await collectTopic(bus, topics.scores, topics.invalid);
    const geo = await GeoLookup.open();
    const events: Array<EventIn & { eventId: string }> = [...simulate(simulationOptions({ seed: '5', customers: '200', terminals: '400', days: '10' }, geo))].map(({ event }) => withIdPrefix(event, `${run}-`));

    // A client that resends a batch until ingest accepts it: while ingest is down, or answers 503/429.
    const send = async (batch: typeof events) => {
      for (;;) {
        const response = await call('ingest', '/v1/events', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: batch.map((e) => JSON.stringify(e)).join('\n') }).catch(() => null);
        if (response?.status === 202) return;
        await sleep(100);
      }
    };
    const parts = SERVICES.length + 1;
    const size = Math.ceil(events.length / parts);
    for (let part = 0; part < parts; part++) {
      const slice = events.slice(part * size, (part + 1) * size);
      let sent = 0;
      const sending = (async () => {
        for (; sent < slice.length; sent += 50) await send(slice.slice(sent, sent + 50));
      })();
      const victim = SERVICES[part];
      if (victim) {
        while (sent < slice.length / 3) await sleep(5); // killed under load: a third of this part sent, the rest on its way
        await killServiceProcess(processes.get(victim) as ChildProcess);
        await start(victim);
      }
      await sending;
    }

    const scored = events.filter((e) => e.type !== 'chargeback');
    await eventually(() => expect(new Set((scores.values() as Score[]).map((s) => s.eventId)).size).toBe(scored.length), { timeoutMs: 90_000 });

    // Alerts: each alerted event reached the receiver, under a single webhook-id, signed.
    const alerted = new Set((scores.values() as Score[]).filter((s) => s.alert).map((s) => `alert_${s.eventId}`));
    expect(alerted.size).toBeGreaterThan(0);
    await eventually(() => expect(new Set(receiver.received.map((m) => (JSON.parse(m.body) as Alert).alertId))).toEqual(alerted), { timeoutMs: 60_000 });
    const idsPerAlert = new Map<string, Set<string>>();
    for (const m of receiver.received) idsPerAlert.set((JSON.parse(m.body) as Alert).alertId, (idsPerAlert.get((JSON.parse(m.body) as Alert).alertId) ?? new Set()).add(m.id));
    expect([...idsPerAlert.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(receiver.received.every((m) => verifyStandardWebhook(secret, m))).toBe(true);

    // Profiles: exactly what was sent, alerts counted once each.
    const expected = new Map<string, { counts: Record<string, number>; alerts: number }>();
    for (const e of events) {
      const entry = expected.get(e.userId) ?? { counts: {}, alerts: 0 };
      entry.counts[e.type] = (entry.counts[e.type] ?? 0) + 1;
      if (alerted.has(`alert_${e.eventId}`)) entry.alerts++;
      expected.set(e.userId, entry);
    }
    await eventually(async () => {
      for (const [userId, want] of expected) {
        const profile = (await (await call('profile-api', `/v1/profiles/${userId}`)).json()) as { eventCountsByType?: Record<string, number>; alertCount?: number };
        expect({ userId, counts: profile.eventCountsByType, alerts: profile.alertCount }).toEqual({ userId, ...want });
      }
    }, { timeoutMs: 60_000 });

    // The lake: every event exactly once.
    await eventually(async () => {
      const rows = await readLake(lakeDir, 'event_id');
      expect(rows).toHaveLength(events.length);
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(events.length);
    }, { timeoutMs: 60_000 });
    await scores.consumer.stop();
  });
});
