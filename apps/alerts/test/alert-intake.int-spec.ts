import { Client } from 'pg';
import { createBus, silentBusLogger, toDeadLetterRecord, type MessageBus } from '@app/bus';
import { ConsumerGroups, alertIdFor, caseCodec, consumerGroup, topicNames, type Alert } from '@app/contracts';
import { loadConfig } from '@app/platform';
import { apiCall, bootApp, type BootedApp, collectTopic, createOwnDatabase, eventually, testEnv, uniqueName, untilReady } from '@app/testing';
import { alertsEnv } from '../src/alerts.config';
import { AlertsModule } from '../src/alerts.module';

const API_KEY = 'alerts-test-key-2';

describe('alerts: intake of the alerts topic', () => {
  const prefix = `${uniqueName('ai')}.`;
  const topics = topicNames(prefix);
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let bus: MessageBus;
  let app: BootedApp;

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
            ALERT_CHANNELS: 'webhooks,cases',
          }),
        ),
        'alerts',
      ),
    );
  const call = apiCall(() => app.url, API_KEY);
  // Bodies are asserted field by field.
  const json = (res: Response): Promise<any> => res.json();
  const alertsListed = async (): Promise<any[]> => (await json(await call('GET', '/v1/alerts?limit=500'))).items;
  const alert = (n: number, over: Partial<Alert> = {}): Alert => ({
    alertId: alertIdFor(`${prefix}e${n}`),
    eventId: `${prefix}e${n}`,
    userId: `u${n}`,
    eventType: 'transaction',
    occurredAt: '2026-11-23T10:00:00Z',
    score: 0.9,
    model: { id: 'm', version: '1' },
    reasons: [{ code: 'velocity' }],
    raisedAt: '2026-11-23T10:00:00.010Z',
    ...over,
  });
  const publish = (alerts: Array<Alert | string>) =>
    bus.publish(
      topics.alerts,
      alerts.map((a) => ({ key: typeof a === 'string' ? 'bad' : a.userId, value: typeof a === 'string' ? a : JSON.stringify(a) })),
    );

  beforeAll(async () => {
    database = await createOwnDatabase('alerts_intake');
    bus = createBus({ url: testEnv.redisUrl, clientId: 'alerts-test', logger: silentBusLogger });
    app = await boot();
  });

  afterAll(async () => {
    await app.close();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await database.drop();
  });

  it('stores each alert once with a pending delivery for every endpoint whose filter wants it, even when replayed', async () => {
    const all = (await json(await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/all' }))).id;
    const high = (await json(await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/high', filter: { minScore: 0.95 } }))).id;
    const logins = (await json(await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/logins', filter: { eventTypes: ['login'] } }))).id;
    const off = (await json(await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/off' }))).id;
    await call('PATCH', `/v1/webhooks/${off}`, { enabled: false });

    await publish([alert(1), alert(2, { score: 0.97 }), alert(3, { eventType: 'login' }), 'not json', alert(1)]);
    await eventually(async () => expect(await alertsListed()).toHaveLength(3));

    // The whole topic once more, as after a crash or a rewind: nothing new.
    await app.close();
    await bus.rewind(consumerGroup(prefix, ConsumerGroups.alerts), topics.alerts, new Date(0));
    app = await boot();
    await publish([alert(4)]);
    await eventually(async () => expect(await alertsListed()).toHaveLength(4));

    const byId = new Map(
      (await alertsListed()).map((a) => [a.alertId, a.deliveries.map((d: { endpointId: string; status: string }) => `${d.endpointId}:${d.status}`).sort()]),
    );
    const pending = (...endpoints: string[]) => endpoints.map((e) => `${e}:pending`).sort();
    expect(byId.get(alert(1).alertId)).toEqual(pending(all));
    expect(byId.get(alert(2).alertId)).toEqual(pending(all, high));
    expect(byId.get(alert(3).alertId)).toEqual(pending(all, logins));
    expect(byId.get(alert(4).alertId)).toEqual(pending(all));
  });

  it("publishes every alert as a case on the cases topic, keyed by user, with the alert's id as the case's", async () => {
    const cases = await collectTopic(bus, topics.cases, topics.invalid);
    try {
      // A rule's alert on a login, which the model does not score: its case is titled without a score.
      const ruled = alert(12, { eventType: 'login', score: 0, modelScored: false, reasons: [{ code: 'login_burst' }] });
      await publish([alert(10, { reasons: [{ code: 'amount_far_above_usual' }, { code: 'new_device' }] }), alert(11, { score: 0.5, reasons: [] }), ruled]);
      // The topic also holds the cases of the alerts published before.
      const ours = () => cases.records.filter((r) => r.key === 'u10' || r.key === 'u11' || r.key === 'u12');
      await eventually(() => expect(new Set(ours().map((r) => r.key))).toEqual(new Set(['u10', 'u11', 'u12'])));
      const opened = ours().map((r) => caseCodec.decode(r.value));
      expect(opened).toEqual(
        expect.arrayContaining([
          {
            schemaVersion: 1,
            caseId: alert(10).alertId,
            summary: 'transaction by u10 scored 0.90: amount_far_above_usual, new_device',
            alert: alert(10, { reasons: [{ code: 'amount_far_above_usual' }, { code: 'new_device' }] }),
          },
          { schemaVersion: 1, caseId: alert(11).alertId, summary: 'transaction by u11 scored 0.50', alert: alert(11, { score: 0.5, reasons: [] }) },
          { schemaVersion: 1, caseId: ruled.alertId, summary: 'login by u12: login_burst', alert: ruled },
        ]),
      );
      await eventually(async () => expect((await alertsListed()).find((a) => a.alertId === ruled.alertId)).toMatchObject({ score: 0, modelScored: false }));
      expect((await alertsListed()).find((a) => a.alertId === alert(11).alertId)).not.toHaveProperty('modelScored');
    } finally {
      await cases.consumer.stop();
    }
  });

  it('dead-letters, with the reason, an alert Postgres cannot store, and stores the alerts behind it', async () => {
    // Written straight to the topic by a foreign producer: scoring never sends such text.
    const invalid = await collectTopic(bus, topics.invalid, topics.invalid);
    const poison = alert(20, { userId: 'u-same', reasons: [{ code: 'velocity', detail: 'a\u0000b' }] });
    await publish([poison, alert(21, { userId: 'u-same' })]);
    await eventually(async () => expect((await alertsListed()).map((a) => a.alertId)).toContain(alert(21).alertId));
    await eventually(() =>
      expect(invalid.values().filter((letter) => letter.payload.includes(poison.alertId))).toEqual([
        expect.objectContaining({
          group: consumerGroup(prefix, ConsumerGroups.alerts),
          reason: expect.stringMatching(/Unicode|byte sequence|syntax for type json/),
        }),
      ]),
    );
    expect((await alertsListed()).map((a) => a.alertId)).not.toContain(poison.alertId);
    await invalid.consumer.stop();
  });

  it('lists the alerts of one customer, decision, reason code and time, newest first', async () => {
    const customer = `${prefix}filtered`;
    const query = async (q: string): Promise<any[]> => (await json(await call('GET', `/v1/alerts?userId=${encodeURIComponent(customer)}${q}`))).items;
    // One after the other, so that they are received at different times.
    await publish([alert(101, { userId: customer, decision: 'block', reasons: [{ code: 'VELOCITY_10M', detail: 'x' }] })]);
    await eventually(async () => expect(await query('')).toHaveLength(1));
    await publish([alert(102, { userId: customer, decision: 'review', reasons: [{ code: 'amount_far_above_usual' }] })]);
    await eventually(async () => expect(await query('')).toHaveLength(2));

    const [newest, oldest] = await query('');
    expect([newest.eventId, oldest.eventId]).toEqual([`${prefix}e102`, `${prefix}e101`]);
    expect(newest).toMatchObject({
      userId: customer,
      eventType: 'transaction',
      score: 0.9,
      model: { id: 'm', version: '1' },
      occurredAt: '2026-11-23T10:00:00Z',
    });
    expect((await query('&decision=block')).map((a) => a.eventId)).toEqual([`${prefix}e101`]);
    expect((await query('&reason=VELOCITY_10M')).map((a) => [a.decision, a.reasons])).toEqual([['block', [{ code: 'VELOCITY_10M', detail: 'x' }]]]);
    expect(await query(`&after=${encodeURIComponent(newest.receivedAt)}`)).toEqual([]);
    expect((await query(`&before=${encodeURIComponent(newest.receivedAt)}`)).map((a) => a.eventId)).toEqual([`${prefix}e101`]);
  });

  it('keeps the dead letters of events.invalid once each, summed by group, origin and reason with the latest original', async () => {
    const letter = (offset: string, payload: string) =>
      toDeadLetterRecord(
        {
          record: { topic: `${prefix}scores`, partition: 1, offset, key: 'u1', value: Buffer.from(payload), headers: {}, timestamp: Date.now() },
          reason: 'not a score',
        },
        `${prefix}profile-api`,
        new Date(Date.now() - 60_000 + Number(offset)), // a later offset, a later letter
      );
    await bus.publish(topics.invalid, [
      letter('10', '{"first":1}'),
      letter('11', '{"second":2}'),
      letter('10', '{"first":1}'),
      { key: null, value: 'not a letter' },
    ]);
    const ours = async () => (await json(await call('GET', '/v1/dead-letters?hours=1'))).items.filter((r: any) => r.group === `${prefix}profile-api`);
    await eventually(async () => expect(await ours()).toEqual([expect.objectContaining({ topic: `${prefix}scores`, reason: 'not a score', count: 2 })]));
    expect((await ours())[0].sample).toBe('{"second":2}');
    expect((await call('GET', '/v1/dead-letters?hours=100000')).status).toBe(400);
  });

  it('rejects a bad limit, decision, time or an unknown filter, naming it', async () => {
    expect((await call('GET', '/v1/alerts?limit=0')).status).toBe(400);
    const refused = await call('GET', '/v1/alerts?decision=maybe&after=yesterday&colour=red');
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.details).toEqual([
      expect.stringMatching(/^decision: /),
      expect.stringMatching(/^after: must be an ISO-8601 time/),
      'colour: is not a filter',
    ]);
  });

  it('signals its followers as alerts are stored, by any instance, and ends their streams as it stops', async () => {
    /** Follows the signals: the next event each call, null once the stream ended. */
    const follow = async () => {
      const response = await call('GET', '/v1/alerts/signals');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      return async (): Promise<{ type: string; data: { at: string } } | null> => {
        for (;;) {
          const end = text.indexOf('\n\n');
          if (end >= 0) {
            const block = text.slice(0, end);
            text = text.slice(end + 2);
            const field = (name: string) =>
              block
                .split('\n')
                .find((line) => line.startsWith(`${name}:`))
                ?.slice(name.length + 1)
                .trim();
            return { type: field('event') ?? 'message', data: JSON.parse(field('data') ?? 'null') };
          }
          const { done, value } = await reader.read();
          if (done) return null;
          text += decoder.decode(value, { stream: true });
        }
      };
    };
    const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
      Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms))]);

    // The first once it listens, and at once for a follower that comes later: what was stored before is asked for then.
    const nextEvent = await follow();
    expect((await within(nextEvent(), 5_000))?.type).toBe('stored');
    const later = await follow();
    expect((await within(later(), 1_000))?.type).toBe('stored');
    const before = Date.now();
    await publish([alert(90)]);
    const signalled = await within(nextEvent(), 5_000);
    expect(signalled?.type).toBe('stored');
    expect(Date.parse(signalled?.data.at as string)).toBeGreaterThanOrEqual(before);
    expect((await alertsListed()).map((a) => a.alertId)).toContain(alert(90).alertId);

    // Another instance's commit notifies the same channel.
    const otherInstance = new Client({ connectionString: database.url });
    await otherInstance.connect();
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the 250 ms between two signals
    await otherInstance.query("SELECT pg_notify('alerts_stored', '')");
    await otherInstance.end();
    expect((await within(nextEvent(), 5_000))?.type).toBe('stored');

    await app.close();
    expect(await within(nextEvent(), 5_000)).toBeNull();
    const ended = async (next: typeof later): Promise<boolean> => ((await next()) === null ? true : ended(next));
    expect(await within(ended(later), 5_000)).toBe(true); // its signals since, then the end
    app = await boot();
  });
});
