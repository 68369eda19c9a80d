import { Client } from 'pg';
import { createBus, partitionForKey, silentBusLogger, type MessageBus } from '@app/bus';
import { ConsumerGroups, consumerGroup, topicNames, type EnrichedEvent, type Score } from '@app/contracts';
import { loadConfig } from '@app/platform';
import {
  apiCall,
  bootApp,
  busUrlsUnderTest,
  collectTopic,
  createOwnDatabase,
  enrichedEvent,
  eventually,
  metricSamples,
  scoreOf,
  uniqueName,
  type BootedApp,
} from '@app/testing';
import { profileApiEnv } from '../src/profile-api.config';
import { ProfileApiModule } from '../src/profile-api.module';

const API_KEY = 'profile-test-key-1';

describe.each(busUrlsUnderTest)('profile-api on %s: profiles folded from the stream, served over REST', (engine, busUrl) => {
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  const prefix = `${uniqueName(`prof-${engine}`)}.`;
  const topics = topicNames(prefix);
  let bus: MessageBus;
  let app: BootedApp;

  const boot = () =>
    bootApp(
      ProfileApiModule.forRoot(
        loadConfig(profileApiEnv, {
          API_KEYS: API_KEY,
          LOG_LEVEL: 'silent',
          BUS_URL: busUrl,
          BUS_TOPIC_PREFIX: prefix,
          BUS_PARTITIONS: '2',
          DATABASE_URL: database.url,
        }),
      ),
      'profile-api',
    );
  const get = (path: string, headers: Record<string, string> = {}) => apiCall(app.url, API_KEY)('GET', path, undefined, headers);
  // Bodies are asserted field by field.
  const body = async (path: string): Promise<any> => (await get(path)).json();

  /** What scoring publishes for a user's event: its Score (allowed at 0.1 unless `score` says), carrying the event in brief. */
  const event = (userId: string, over: Partial<EnrichedEvent> & Pick<EnrichedEvent, 'type' | 'occurredAt'>, score: Partial<Score> = {}) =>
    scoreOf(enrichedEvent({ userId, ...over }), score);
  const located = (country: string, city: string) => ({ country, region: null, city, latitude: null, longitude: null });
  const risk = (value: number, alert = false): Partial<Score> => ({ score: value, decision: value >= 0.7 ? 'block' : 'allow', alert });
  const publish = (topic: string, values: Array<{ userId: string }>) =>
    bus.publish(
      topic,
      values.map((v) => ({ key: v.userId, value: JSON.stringify(v) })),
    );

  beforeAll(async () => {
    database = await createOwnDatabase(`profiles_${engine}`);
    bus = createBus({ url: busUrl, clientId: 'profile-test', logger: silentBusLogger });
    app = await boot();
  });

  afterAll(async () => {
    await app.close();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await database.drop();
  });

  it('folds the records of a bus whose offsets the stored position does not know (BUS_URL moved to the other engine)', async () => {
    const user = uniqueName('u');
    const where = [ConsumerGroups.profiles, topics.scores, partitionForKey(user, 2)];
    // What a run on the other engine left: as a number, far above every offset of this one.
    const foreign = engine === 'kafka' ? '9999999999999-99' : '99999999999999999999';
    // Migrations run once Postgres answers: ready means the table is there.
    await eventually(async () => expect((await fetch(`${app.url}/health/ready`)).status).toBe(200));
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO consumer_positions (group_name, topic, partition, last_offset) VALUES ($1, $2, $3, $4)
         ON CONFLICT (group_name, topic, partition) DO UPDATE SET last_offset = $4`,
        [...where, foreign],
      );
      await publish(topics.scores, [event(user, { type: 'login', occurredAt: '2026-11-23T11:00:00Z' })]);
      await eventually(async () => expect((await body(`/v1/profiles/${user}`)).eventCount).toBe(1));
      const { rows } = await db.query('SELECT last_offset FROM consumer_positions WHERE group_name = $1 AND topic = $2 AND partition = $3', where);
      expect(rows[0].last_offset).not.toBe(foreign);
    } finally {
      await db.end();
    }
  });

  it("folds events' Scores into the profile, whatever order they arrive in", async () => {
    const user = uniqueName('u');
    // Newest event first: the last country must still come from the latest event time.
    await publish(topics.scores, [
      event(
        user,
        {
          type: 'transaction',
          occurredAt: '2026-11-23T10:00:00Z',
          amount: 100.1,
          currency: 'EUR',
          merchantId: 'm',
          geo: located('DE', 'Berlin'),
          deviceId: 'd2',
        },
        risk(0.91, true),
      ),
      event(user, {
        type: 'page_view',
        occurredAt: '2026-11-23T09:00:00Z',
        properties: { category: 'shoes' },
        geo: located('FR', 'Paris'),
        deviceId: 'd1',
        ua: { browser: 'Safari', browserVersion: '17.4', os: 'iOS', osVersion: '17.4', deviceType: 'mobile', isBot: false },
      }),
      event(
        user,
        {
          type: 'transaction',
          occurredAt: '2026-11-23T08:00:00Z',
          amount: 0.2,
          currency: 'EUR',
          merchantId: 'm',
          geo: located('GB', 'London'),
          ua: { browser: 'Chrome', browserVersion: '120', os: 'Windows', osVersion: '10', deviceType: 'desktop', isBot: false },
        },
        risk(0.05),
      ),
    ]);

    const profile = await eventually(async () => {
      const found = await body(`/v1/profiles/${user}`);
      expect(found).toMatchObject({ eventCount: 3, alertCount: 1 });
      return found;
    });
    expect(profile).toMatchObject({
      userId: user,
      firstSeenAt: '2026-11-23T08:00:00.000Z',
      lastSeenAt: '2026-11-23T10:00:00.000Z',
      eventCountsByType: { transaction: 2, page_view: 1 },
      transactionCount: 2,
      totalAmount: 100.3,
      averageAmount: 50.15,
      lastCountry: 'DE',
      lastCity: 'Berlin',
      lastDeviceType: 'mobile',
      topPageCategories: ['shoes'],
      lastRiskScore: 0.91,
      riskBand: 'high',
      segments: ['at_risk', 'new', 'multi_country'],
    });
    expect(new Set(profile.countries)).toEqual(new Set(['GB', 'FR', 'DE']));
    expect(new Set(profile.devices)).toEqual(new Set(['d1', 'd2']));
    // How far profiles trail the partitions of scores: seconds, as of the last commit.
    const lags = await metricSamples(app.url, 'profile_fold_lag_seconds', `topic="${topics.scores}"`);
    expect(lags.length).toBeGreaterThan(0);
    for (const [, seconds] of lags) expect(seconds).toBeGreaterThanOrEqual(0);
    expect(Math.min(...lags.map(([, seconds]) => seconds))).toBeLessThan(60);
  });

  it('applies every record once across a redelivery of the whole stream', async () => {
    const user = uniqueName('u');
    await publish(
      topics.scores,
      Array.from({ length: 40 }, (_, i) =>
        event(user, { type: 'transaction', occurredAt: `2026-11-22T10:${String(i).padStart(2, '0')}:00Z`, amount: 2.5, currency: 'EUR', merchantId: 'm' }),
      ),
    );
    await eventually(async () => expect(await body(`/v1/profiles/${user}`)).toMatchObject({ eventCount: 40, totalAmount: 100 }));

    // Stop the service, move its group back to the first record, and start it again: everything is read twice.
    await app.close();
    const plans = await bus.rewind(consumerGroup(prefix, ConsumerGroups.profiles), topics.scores, new Date(0));
    expect(plans.reduce((sum, p) => sum + p.rereadCount, 0)).toBeGreaterThanOrEqual(40);
    app = await boot();
    // A marker on the user's partition comes after the re-read records: once it shows, they were all folded again.
    let marker = uniqueName('u');
    while (partitionForKey(marker, 2) !== partitionForKey(user, 2)) marker = uniqueName('u');
    await publish(topics.scores, [event(marker, { type: 'login', occurredAt: '2026-11-22T11:00:00Z' })]);
    await eventually(async () => expect((await get(`/v1/profiles/${marker}`)).status).toBe(200));
    expect(await body(`/v1/profiles/${user}`)).toMatchObject({ eventCount: 40, transactionCount: 40, totalAmount: 100 });
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone surrogate', 'x\ud800y'],
  ])('dead-letters a record whose %s Postgres cannot store, with the reason, and folds the records behind it on its partition', async (_, category) => {
    // A foreign producer writes straight to the internal topic: ingest, which refuses such text, is not in the way.
    const user = uniqueName('u');
    const invalid = await collectTopic(bus, topics.invalid, topics.invalid);
    const poison = event(user, { type: 'page_view', occurredAt: '2026-11-21T10:01:00Z', properties: { category } });
    await publish(topics.scores, [
      event(user, { type: 'page_view', occurredAt: '2026-11-21T10:00:00Z', properties: { category: 'shoes' } }),
      poison,
      event(user, { type: 'login', occurredAt: '2026-11-21T10:02:00Z' }),
    ]);
    await eventually(async () => expect(await body(`/v1/profiles/${user}`)).toMatchObject({ eventCount: 2, eventCountsByType: { page_view: 1, login: 1 } }));
    await eventually(() =>
      expect(invalid.values().filter((letter) => letter.payload.includes(poison.eventId))).toEqual([
        expect.objectContaining({
          group: consumerGroup(prefix, ConsumerGroups.profiles),
          reason: expect.stringMatching(/Unicode|byte sequence|syntax for type json/),
        }),
      ]),
    );
    await invalid.consumer.stop();
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  });

  it('answers 304 to a matching If-None-Match and a new ETag once the profile changed', async () => {
    const user = uniqueName('u');
    await publish(topics.scores, [event(user, { type: 'login', occurredAt: '2026-11-23T07:00:00Z' })]);
    await eventually(async () => expect((await get(`/v1/profiles/${user}`)).status).toBe(200));
    const first = await get(`/v1/profiles/${user}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+"$/);
    const unchanged = await get(`/v1/profiles/${user}`, { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');

    await publish(topics.scores, [event(user, { type: 'logout', occurredAt: '2026-11-23T07:05:00Z' })]);
    await eventually(async () => expect((await get(`/v1/profiles/${user}`, { 'if-none-match': etag })).status).toBe(200));
  });

  it('answers 404 with a reason for an unknown user, and 401 without a key', async () => {
    const missing = await get('/v1/profiles/nobody-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'PROFILE_NOT_FOUND', message: 'no profile for user "nobody-here": no event of this user has been seen' },
    });
    expect((await fetch(`${app.url}/v1/profiles/nobody-here`)).status).toBe(401);
    expect((await fetch(`${app.url}/v1/profiles`, { headers: { authorization: 'Bearer wrong-key-123' } })).status).toBe(401);
  });

  it('lists profiles by filter, newest first, a page at a time', async () => {
    const users = Array.from({ length: 5 }, () => uniqueName('pg'));
    // Each user seen a minute apart in a year of their own, and scored high.
    await publish(
      topics.scores,
      users.map((u, i) => event(u, { type: 'login', occurredAt: `2031-01-01T00:0${i}:00Z` }, risk(0.8))),
    );
    await eventually(async () => expect((await body('/v1/profiles?riskBand=high&lastSeenSince=2031-01-01T00:00:00Z&limit=500')).items).toHaveLength(5));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ userId: string }>; nextCursor: string | null } = await body(
        `/v1/profiles?riskBand=high&segment=at_risk&lastSeenSince=2031-01-01T00:00:00Z&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((p) => p.userId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...users].reverse());
  });

  it.each([
    ['limit=0', 'limit: must be at least 1'],
    ['limit=ten', 'limit: must be a number'],
    ['riskBand=purple', 'riskBand: must be one of low, medium, high, unknown'],
    ['lastSeenSince=yesterday', 'lastSeenSince: must be an ISO-8601 time'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor: is not a cursor this API returned'],
    ['colour=red', 'colour: is not a parameter'],
  ])('rejects %s with a 400 naming the parameter', async (query, reason) => {
    const res = await get(`/v1/profiles?${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'INVALID_QUERY', message: 'the query parameters are not valid', details: [reason] } });
  });
});
