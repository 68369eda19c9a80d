import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { alertIdFor, topicNames, type Alert } from '@app/contracts';
import { loadConfig } from '@app/platform';
import { bootApp, createOwnDatabase, eventually, sleep, startWebhookReceiver, testEnv, uniqueName, untilReady, verifyStandardWebhook, type BootedApp } from '@app/testing';
import { alertsEnv } from '../src/alerts.config';
import { AlertsModule } from '../src/alerts.module';

const API_KEY = 'alerts-test-key-3';

describe('alerts: webhook delivery', () => {
  const prefix = `${uniqueName('wd')}.`;
  const topics = topicNames(prefix);
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let bus: MessageBus;
  let app: BootedApp;
  const receivers: Array<{ close(): Promise<void> }> = [];

  const boot = async () => untilReady(await bootApp(AlertsModule.forRoot(loadConfig(alertsEnv, {
    API_KEYS: API_KEY, LOG_LEVEL: 'silent', BUS_URL: testEnv.redisUrl, BUS_TOPIC_PREFIX: prefix, BUS_PARTITIONS: '2', DATABASE_URL: database.url,
    WEBHOOK_ALLOWED_TARGETS: '127.0.0.1', WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3', WEBHOOK_TIMEOUT_MS: '500', WEBHOOK_POLL_MS: '50',
  })), 'alerts'));
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  // Bodies are asserted field by field.
  const json = (res: Response): Promise<any> => res.json();
  let n = 0;
  const raise = async (over: Partial<Alert> = {}) => {
    const eventId = `${prefix}e${n++}`;
    const alert: Alert = { alertId: alertIdFor(eventId), eventId, userId: `u${n}`, eventType: 'transaction', occurredAt: '2026-11-23T10:00:00Z', score: 0.9, model: { id: 'm', version: '1' }, reasons: [{ code: 'velocity' }], raisedAt: new Date().toISOString(), ...over };
    await bus.publish(topics.alerts, [{ key: alert.userId, value: JSON.stringify(alert) }]);
    return alert;
  };
  const register = async (url: string, filter?: unknown) => json(await call('POST', '/v1/webhooks', { url, filter }));
  const receiver = async (...args: Parameters<typeof startWebhookReceiver>) => {
    const started = await startWebhookReceiver(...args);
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    database = await createOwnDatabase('alerts_delivery');
    bus = createBus({ url: testEnv.redisUrl, clientId: 'alerts-test', logger: silentBusLogger });
    app = await boot();
  });

  afterAll(async () => {
    await app.close();
    await Promise.all(receivers.map((r) => r.close()));
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await database.drop();
  });

  it('delivers an alert once, signed so that a receiver written from the spec verifies it', async () => {
    const healthy = await receiver();
    const { secret } = await register(healthy.url, { eventTypes: ['login'] });
    const alert = await raise({ eventType: 'login' });
    await eventually(() => expect(healthy.received).toHaveLength(1));
    const [message] = healthy.received;
    expect(JSON.parse(message.body)).toEqual(alert);
    expect(verifyStandardWebhook(secret, message)).toBe(true);
    await sleep(500);
    expect(healthy.received).toHaveLength(1);
  });

  it('retries a failing receiver with the same webhook-id until it answers, honouring Retry-After', async () => {
    let calls = 0;
    const flaky = await receiver((_, res) => {
      calls++;
      if (calls === 1) res.writeHead(500).end();
      else if (calls === 2) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.end('ok');
    });
    await register(flaky.url, { eventTypes: ['checkout'] });
    await raise({ eventType: 'checkout' });
    await eventually(() => expect(flaky.received).toHaveLength(3), { timeoutMs: 10_000 });
    expect(new Set(flaky.received.map((m) => m.id)).size).toBe(1);
    expect(flaky.received[2].at - flaky.received[1].at).toBeGreaterThanOrEqual(950); // Retry-After: 1 beats the 0.3 s schedule
    await eventually(async () => expect((await json(await call('GET', '/v1/alerts?limit=1'))).items[0].deliveries[0]).toMatchObject({ status: 'delivered', attemptCount: 3, lastStatus: 200 }));
  });

  it('disables an endpoint that answers 410 Gone, and gives up after the schedule on one that keeps failing', async () => {
    const gone = await receiver((_, res) => void res.writeHead(410).end());
    const broken = await receiver((_, res) => void res.writeHead(503).end());
    const goneEndpoint = await register(gone.url, { eventTypes: ['refund'] });
    await register(broken.url, { eventTypes: ['refund'] });
    await raise({ eventType: 'refund' });
    await eventually(async () => expect(await json(await call('GET', `/v1/webhooks/${goneEndpoint.id}`))).toMatchObject({ enabled: false, disabledReason: 'the receiver answered 410 Gone' }));
    await eventually(() => expect(broken.received).toHaveLength(4), { timeoutMs: 10_000 }); // the first try and three retries
    await sleep(800);
    expect(broken.received).toHaveLength(4);
    expect(gone.received).toHaveLength(1);
  });

  it('keeps delivering to healthy endpoints while one receiver hangs past the timeout', async () => {
    const hanging = await receiver(() => undefined); // never answers
    const healthy = await receiver();
    await register(hanging.url, { eventTypes: ['search'], minScore: 0 });
    await register(healthy.url, { eventTypes: ['search'] });
    const started = Date.now();
    for (let i = 0; i < 5; i++) await raise({ eventType: 'search' });
    await eventually(() => expect(healthy.received).toHaveLength(5));
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
