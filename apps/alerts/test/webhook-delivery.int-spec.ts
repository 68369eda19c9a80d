import { Client } from 'pg';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { alertIdFor, topicNames, type Alert } from '@app/contracts';
import { loadConfig } from '@app/platform';
import {
  apiCall,
  bootApp,
  type BootedApp,
  createOwnDatabase,
  eventually,
  metricSamples,
  metricSum,
  sleep,
  startWebhookReceiver,
  testEnv,
  uniqueName,
  untilReady,
  verifyStandardWebhook,
} from '@app/testing';
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

  const boot = async () =>
    untilReady(
      await bootApp(
        AlertsModule.forRoot(
          loadConfig(alertsEnv, {
            API_KEYS: API_KEY,
            LOG_LEVEL: 'silent',
            BUS_URL: testEnv.redisUrl,
            BUS_TOPIC_PREFIX: prefix,
            BUS_PARTITIONS: '2',
            DATABASE_URL: database.url,
            WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
            WEBHOOK_RETRY_SCHEDULE: '0.3,0.3,0.3',
            WEBHOOK_TIMEOUT_MS: '500',
            WEBHOOK_POLL_MS: '50',
            WEBHOOK_DISABLE_AFTER_FAILING_MS: '3000',
          }),
        ),
        'alerts',
      ),
    );
  const call = apiCall(() => app.url, API_KEY);
  // Bodies are asserted field by field.
  const json = (res: Response): Promise<any> => res.json();
  let n = 0;
  const alertOf = (over: Partial<Alert> = {}): Alert => {
    const eventId = `${prefix}e${n++}`;
    return {
      alertId: alertIdFor(eventId),
      eventId,
      userId: `u${n}`,
      eventType: 'transaction',
      occurredAt: '2026-11-23T10:00:00Z',
      score: 0.9,
      model: { id: 'm', version: '1' },
      reasons: [{ code: 'velocity' }],
      raisedAt: new Date().toISOString(),
      ...over,
    };
  };
  const publish = (alerts: Alert[]) =>
    bus.publish(
      topics.alerts,
      alerts.map((alert) => ({ key: alert.userId, value: JSON.stringify(alert) })),
    );
  const raise = async (over: Partial<Alert> = {}) => {
    const alert = alertOf(over);
    await publish([alert]);
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
    // Each attempt counted for its endpoint and outcome; the delivery's latency counts the retries' waits.
    const endpoint = (await json(await call('GET', '/v1/webhooks'))).find((e: { url: string }) => e.url === flaky.url).id;
    await eventually(async () => {
      expect(await metricSum(app.url, 'alerts_webhook_attempts_total', `endpoint="${endpoint}",outcome="retry"`)).toBe(2);
      expect(await metricSum(app.url, 'alerts_webhook_attempts_total', `endpoint="${endpoint}",outcome="delivered"`)).toBe(1);
    });
    expect(await metricSum(app.url, 'alerts_webhook_delivery_latency_seconds_bucket', 'le="1"')).toBeLessThan(
      await metricSum(app.url, 'alerts_webhook_delivery_latency_seconds_count'),
    );
    // The queue, read from Postgres at the scrape.
    for (const gauge of ['alerts_webhook_queue_depth', 'alerts_webhook_oldest_due_seconds'])
      expect((await metricSamples(app.url, gauge)).map(([, value]) => Number.isFinite(value) && value >= 0)).toEqual([true]);
    await eventually(async () =>
      expect((await json(await call('GET', '/v1/alerts?limit=1'))).items[0].deliveries[0]).toMatchObject({
        status: 'delivered',
        attemptCount: 3,
        lastStatus: 200,
      }),
    );
  });

  it('disables an endpoint that answers 410 Gone, and gives up after the schedule on one that keeps failing', async () => {
    const gone = await receiver((_, res) => void res.writeHead(410).end());
    const broken = await receiver((_, res) => void res.writeHead(503).end());
    const goneEndpoint = await register(gone.url, { eventTypes: ['refund'] });
    await register(broken.url, { eventTypes: ['refund'] });
    await raise({ eventType: 'refund' });
    await eventually(async () =>
      expect(await json(await call('GET', `/v1/webhooks/${goneEndpoint.id}`))).toMatchObject({
        enabled: false,
        disabledReason: 'the receiver answered 410 Gone',
      }),
    );
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

  it('never has more deliveries in flight to an endpoint than its maxInFlight, whether sent at intake or from the queue', async () => {
    let open = 0;
    let most = 0;
    const slow = await receiver((_, res) => {
      most = Math.max(most, ++open);
      setTimeout(() => {
        open--;
        res.end('ok');
      }, 150);
    });
    const { id } = await register(slow.url, { eventTypes: ['add_to_cart'] });
    expect((await call('PATCH', `/v1/webhooks/${id}`, { maxInFlight: 2 })).status).toBe(200);
    await Promise.all(Array.from({ length: 10 }, () => raise({ eventType: 'add_to_cart' })));
    await eventually(() => expect(new Set(slow.received.map((m) => m.id)).size).toBe(10), { timeoutMs: 10_000 });
    expect(most).toBe(2);
  });

  it('retries a healthy endpoint on time while another holds a backlog of hundreds of due deliveries', async () => {
    // A claim that looked only at the oldest due deliveries of all endpoints would see the stuck
    // endpoint's backlog fill that window, and no other endpoint's retry would be claimed until it drained.
    const stuck = await receiver(() => undefined); // never answers: its one slot is always taken
    let calls = 0;
    const recovering = await receiver((_, res) => void (++calls === 1 ? res.writeHead(503).end() : res.end('ok')));
    const stuckEndpoint = await register(stuck.url, { eventTypes: ['page_view'] });
    expect((await call('PATCH', `/v1/webhooks/${stuckEndpoint.id}`, { maxInFlight: 1 })).status).toBe(200);
    await register(recovering.url, { eventTypes: ['chargeback'] });
    await publish(Array.from({ length: 900 }, () => alertOf({ eventType: 'page_view' })));
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      const duePending = async () =>
        Number(
          (
            await pg.query(`SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at <= now()`, [
              stuckEndpoint.id,
            ])
          ).rows[0].n,
        );
      await eventually(async () => expect(await duePending()).toBeGreaterThan(850));
      await raise({ eventType: 'chargeback' }); // its first attempt fails; the retry (0.3 s later) must come from the queue
      await eventually(() => expect(recovering.received).toHaveLength(2), { timeoutMs: 2_000 });
      // Still stuck and still enabled: the retry was claimed beside the backlog, not after it.
      expect(await duePending()).toBeGreaterThan(800);
      expect((await json(await call('GET', `/v1/webhooks/${stuckEndpoint.id}`))).enabled).toBe(true);
    } finally {
      await pg.end();
      await call('DELETE', `/v1/webhooks/${stuckEndpoint.id}`);
    }
  });

  it('lists deliveries with their attempts and replays failed ones with their webhook-id', async () => {
    let healthy = false;
    const recovering = await receiver((_, res) => void (healthy ? res.end('ok') : res.writeHead(503).end()));
    const endpoint = await register(recovering.url, { eventTypes: ['signup'] });
    const since = new Date(Date.now() - 1000).toISOString();
    await raise({ eventType: 'signup' });
    await raise({ eventType: 'signup' });
    await eventually(async () => expect((await json(await call('GET', `/v1/webhooks/${endpoint.id}/deliveries?status=failed`))).items).toHaveLength(2), {
      timeoutMs: 10_000,
    });
    const [failed] = (await json(await call('GET', `/v1/webhooks/${endpoint.id}/deliveries?status=failed`))).items;
    expect(failed).toMatchObject({ attemptCount: 4, lastStatus: 503, lastError: 'receiver answered 503' });
    expect(failed.attempts).toHaveLength(4);
    expect(failed.attempts[0]).toMatchObject({ status: 503, error: 'receiver answered 503' });

    healthy = true;
    expect((await call('POST', `/v1/webhooks/${endpoint.id}/deliveries/${failed.id}/replay`)).status).toBe(202);
    await eventually(() => expect(recovering.received.filter((m) => m.id === failed.id)).toHaveLength(5));
    const replayAgain = await call('POST', `/v1/webhooks/${endpoint.id}/deliveries/${failed.id}/replay`);
    await eventually(async () => expect((await json(await call('GET', `/v1/webhooks/${endpoint.id}/deliveries?status=delivered`))).items).toHaveLength(1));
    expect([202, 409]).toContain(replayAgain.status); // once delivered, it is no longer a failure to replay

    const range = await json(await call('POST', `/v1/webhooks/${endpoint.id}/replay`, { from: since, to: new Date(Date.now() + 1000).toISOString() }));
    expect(range.replayed).toHaveLength(1);
    await eventually(async () => expect((await json(await call('GET', `/v1/webhooks/${endpoint.id}/deliveries?status=delivered`))).items).toHaveLength(2));
    expect((await call('POST', `/v1/webhooks/${endpoint.id}/replay`, { from: 'yesterday', to: since })).status).toBe(400);
  });

  it('delivers what was due across a restart of the service, with the same webhook-id', async () => {
    let healthy = false;
    const flaky = await receiver((_, res) => void (healthy ? res.end('ok') : res.writeHead(500).end()));
    await register(flaky.url, { eventTypes: ['password_change'] });
    await raise({ eventType: 'password_change' });
    await eventually(() => expect(flaky.received.length).toBeGreaterThanOrEqual(1));
    await app.close();
    healthy = true;
    app = await boot();
    await eventually(async () => {
      const [latest] = (await json(await call('GET', '/v1/alerts?limit=1'))).items;
      expect(latest.deliveries[0]).toMatchObject({ status: 'delivered' });
    });
    expect(new Set(flaky.received.map((m) => m.id)).size).toBe(1);
  });

  it('disables an endpoint that has failed for longer than the sustained-failure limit', async () => {
    const down = await receiver((_, res) => void res.writeHead(502).end());
    const endpoint = await register(down.url, { eventTypes: ['logout'] });
    await raise({ eventType: 'logout' });
    await eventually(() => expect(down.received.length).toBeGreaterThanOrEqual(1));
    await sleep(3_100);
    await raise({ eventType: 'logout' });
    await eventually(
      async () =>
        expect(await json(await call('GET', `/v1/webhooks/${endpoint.id}`))).toMatchObject({
          enabled: false,
          disabledReason: expect.stringMatching(/^failing since .* \(sustained failure\)$/),
        }),
      { timeoutMs: 10_000 },
    );
  });
});
