import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus, partitionForKey, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames } from '@app/contracts';
import { loadConfig } from '@app/platform';
import { bootApp, collectTopic, createOwnDatabase, eventually, testEnv, uniqueName, untilReady, type BootedApp } from '@app/testing';
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

const API_KEY = 'bad-input-key-123';
const now = () => new Date().toISOString();
const good = (eventId: string, userId = 'u-good') => ({ eventId, type: 'login', userId, occurredAt: now(), ip: '81.2.69.142' });

/** Malformed and hostile events: each must be refused with a reason, and nothing may crash or stall. */
const CORPUS: Array<[string, string]> = [
  ['broken JSON', '{"type":"login","userId":"u1"'],
  ['not JSON at all', 'DROP TABLE events;'],
  ['a JSON array where an event belongs', '[1,2,3]'],
  ['null', 'null'],
  ['a number for userId', JSON.stringify({ type: 'login', userId: 42, occurredAt: now() })],
  ['a string amount', JSON.stringify({ type: 'transaction', userId: 'u1', occurredAt: now(), amount: '12.50', currency: 'EUR', merchantId: 'm1' })],
  ['an amount past 1e12', JSON.stringify({ type: 'transaction', userId: 'u1', occurredAt: now(), amount: 1e308, currency: 'EUR', merchantId: 'm1' })],
  ['a negative amount', JSON.stringify({ type: 'transaction', userId: 'u1', occurredAt: now(), amount: -5, currency: 'EUR', merchantId: 'm1' })],
  ['a 10,000-character userId', JSON.stringify({ type: 'login', userId: 'x'.repeat(10_000), occurredAt: now() })],
  ['a 100 kB User-Agent', JSON.stringify({ type: 'login', userId: 'u1', occurredAt: now(), userAgent: 'A'.repeat(100_000) })],
  [
    'properties of 20 kB',
    JSON.stringify({
      type: 'login',
      userId: 'u1',
      occurredAt: now(),
      properties: { blob: 'b'.repeat(1000), ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'.repeat(500)])) },
    }),
  ],
  ['an emoji userId', JSON.stringify({ type: 'login', userId: 'user-😀', occurredAt: now() })],
  ['a lone surrogate', '{"type":"login","userId":"u\\ud800","occurredAt":"' + now() + '"}'],
  ['a NUL byte', JSON.stringify({ type: 'login', userId: 'u\u0000', occurredAt: now() })],
  ['a NUL in a property value', JSON.stringify({ type: 'page_view', userId: 'u1', occurredAt: now(), properties: { category: 'a\u0000b' } })],
  ['a lone surrogate in a property value', '{"type":"page_view","userId":"u1","occurredAt":"' + now() + '","properties":{"category":"x\\ud800y"}}'],
  ['a lone surrogate in a property name', '{"type":"page_view","userId":"u1","occurredAt":"' + now() + '","properties":{"\\udc00":"shoes"}}'],
  ['a NUL in the User-Agent', JSON.stringify({ type: 'login', userId: 'u1', occurredAt: now(), userAgent: 'Mozilla\u0000' })],
  [
    '8 KB of combining marks in a property value',
    JSON.stringify({ type: 'page_view', userId: 'u1', occurredAt: now(), properties: { category: `e${'\u0301'.repeat(8_000)}` } }),
  ],
  ['a right-to-left override', JSON.stringify({ type: 'login', userId: 'u\u202Eevil', occurredAt: now() })],
  ['a time in the year 2999', JSON.stringify({ type: 'login', userId: 'u1', occurredAt: '2999-01-01T00:00:00Z' })],
  ['a time in 1970', JSON.stringify({ type: 'login', userId: 'u1', occurredAt: '1970-01-01T00:00:00Z' })],
  ['February 30th', JSON.stringify({ type: 'login', userId: 'u1', occurredAt: '2026-02-30T10:00:00Z' })],
  ['a time without zone', JSON.stringify({ type: 'login', userId: 'u1', occurredAt: '2026-11-23T10:00:00' })],
  ['an unknown type', JSON.stringify({ type: 'teleport', userId: 'u1', occurredAt: now() })],
  ['an unknown field', JSON.stringify({ type: 'login', userId: 'u1', occurredAt: now(), ammount: 3 })],
  ['a property name of 200 characters', JSON.stringify({ type: 'login', userId: 'u1', occurredAt: now(), properties: { ['p'.repeat(200)]: 1 } })],
  ['a chargeback without its original', JSON.stringify({ type: 'chargeback', userId: 'u1', occurredAt: now(), amount: 5, currency: 'EUR', merchantId: 'm1' })],
  ['an IP that is not one', JSON.stringify({ type: 'login', userId: 'u1', occurredAt: now(), ip: '999.1.1.1' })],
  ['__proto__ pollution', '{"type":"login","userId":"u1","occurredAt":"' + now() + '","__proto__":{"admin":true}}'],
];

describe('bad input: a hostile corpus over HTTP, on events.raw and on the internal topics', () => {
  const prefix = `${uniqueName('bad')}.`;
  const topics = topicNames(prefix);
  const run = uniqueName('bad');
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let lakeDir: string;
  let bus: MessageBus;
  const apps: BootedApp[] = [];

  beforeAll(async () => {
    database = await createOwnDatabase('bad_input');
    lakeDir = await mkdtemp(join(tmpdir(), 'bad-lake-'));
    bus = createBus({ url: testEnv.redisUrl, clientId: 'bad-input-test', logger: silentBusLogger });
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: 2 })));
    const env = {
      API_KEYS: API_KEY,
      LOG_LEVEL: 'silent',
      BUS_URL: testEnv.redisUrl,
      BUS_TOPIC_PREFIX: prefix,
      BUS_PARTITIONS: '2',
      REDIS_URL: testEnv.redisUrl,
      DATABASE_URL: database.url,
    };
    apps.push(await bootApp(IngestModule.forRoot(loadConfig(ingestEnv, env)), 'ingest'));
    apps.push(await bootApp(ScoringModule.forRoot(loadConfig(scoringEnv, { ...env, SCORING_STATE_PREFIX: run })), 'scoring'));
    apps.push(await untilReady(await bootApp(ProfileApiModule.forRoot(loadConfig(profileApiEnv, env)), 'profile-api')));
    apps.push(await untilReady(await bootApp(AlertsModule.forRoot(loadConfig(alertsEnv, env)), 'alerts')));
    apps.push(await bootApp(LakeModule.forRoot(loadConfig(lakeEnv, { ...env, LAKE_DIR: lakeDir })), 'lake'));
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await database.drop();
    await rm(lakeDir, { recursive: true, force: true });
  });

  const post = (body: string, type = 'application/x-ndjson') =>
    fetch(`${apps[0].url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': type }, body });

  it('rejects every hostile event over HTTP with a reason, accepting the good ones beside them', async () => {
    for (const [what, line] of CORPUS) {
      const goodOne = good(`${run}-http-${what.replace(/\W+/g, '-')}`);
      const response = await post(`${line}\n${JSON.stringify(goodOne)}`);
      const body = (await response.json()) as { accepted: number; results: Array<{ status: string; reasons?: string[] }> };
      expect({ what, status: response.status, accepted: body.accepted }).toEqual({ what, status: 202, accepted: 1 });
      expect({ what, first: body.results[0].status }).toEqual({ what, first: 'rejected' });
      expect(body.results[0].reasons?.join(' ').length).toBeGreaterThan(3);
    }
    // The body-level problems: wrong content type, oversized, nothing valid at all.
    expect((await post('{"type":"login"}', 'text/plain')).status).toBe(415);
    expect((await post('x'.repeat(3 * 1024 * 1024))).status).toBe(413);
    expect((await post(CORPUS[0][1])).status).toBe(422);
    // Bodies nested deeper than any event: each answered with a client error that says why.
    for (const deep of ['['.repeat(100_000), '['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000)]) {
      for (const type of ['application/json', 'application/x-ndjson']) {
        const response = await post(deep, type);
        const answer = (await response.json()) as { error?: { message: string } };
        expect({ type, status: response.status, message: answer.error?.message ?? 'a reason' }).toEqual({
          type,
          status: expect.any(Number),
          message: expect.not.stringMatching(/internal error/),
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }
    }
    // An id sent twice is published once.
    const twice = good(`${run}-twice`);
    const [first, again] = [await post(JSON.stringify(twice)), await post(JSON.stringify(twice))];
    expect([((await first.json()) as { accepted: number }).accepted, ((await again.json()) as { duplicates: number }).duplicates]).toEqual([1, 1]);
  });

  it('dead-letters every hostile record on events.raw with its reason, and the partition goes on', async () => {
    const invalid = await collectTopic(bus, topics.invalid, topics.invalid);
    const enriched = await collectTopic(bus, topics.enriched, topics.invalid);
    // All on one partition, a good event last: it flows only if nothing before it stalls the partition.
    const key = 'hostile';
    await bus.publish(
      topics.raw,
      CORPUS.map(([, line]) => ({ key, value: line })),
    );
    const sentinel = good(`${run}-after-the-corpus`, 'u-after');
    let sentinelKey = key;
    while (partitionForKey(sentinelKey, 2) !== partitionForKey(key, 2)) sentinelKey += 'x';
    await bus.publish(topics.raw, [{ key: sentinelKey, value: JSON.stringify(sentinel) }]);
    await eventually(() => expect(enriched.values().some((e) => e.eventId === sentinel.eventId)).toBe(true), { timeoutMs: 30_000 });
    await eventually(() => {
      const fromRaw = invalid.records.filter((r) => (r.headers['dead-letter-origin'] ?? '').startsWith(topics.raw));
      expect(fromRaw).toHaveLength(CORPUS.length);
      expect(fromRaw.every((r) => (r.headers['dead-letter-reason'] ?? '').length > 3)).toBe(true);
    });
    for (const c of [invalid, enriched]) await c.consumer.stop();
  });

  /**
   * A foreign producer writes straight onto the topics the services feed each other: every record a
   * consumer cannot use is dead-lettered by it with the reason, and the valid record behind it on the
   * same partition is still scored, folded, landed or stored.
   */
  it('dead-letters hostile records on every internal topic, and what follows them on the partition goes on', async () => {
    const invalid = await collectTopic(bus, topics.invalid, topics.invalid);
    const scores = await collectTopic(bus, topics.scores, topics.invalid);
    const groups = { scoring: `${prefix}scoring`, profiles: `${prefix}profile-api`, lake: `${prefix}ingest.lake`, alerts: `${prefix}alerts` };
    const at = now();
    const enriched = (eventId: string, over: Record<string, unknown> = {}) =>
      JSON.stringify({
        eventId,
        type: 'page_view',
        userId: 'u-internal',
        occurredAt: at,
        receivedAt: at,
        source: 'http',
        geo: null,
        ua: null,
        merchant: null,
        flags: [],
        ...over,
      });
    // Per topic: the hostile records, each with the groups that must refuse it, then a valid record on the same partition.
    const hostile: Array<{ topic: string; value: string; refusedBy: string[] }> = [
      ...[
        'not json',
        '[]',
        '{}',
        '{"userId":42}',
        enriched(`${run}-no-time`, { occurredAt: 'yesterday' }),
        '{"__proto__":{"admin":true},"userId":"u-internal"}',
      ].map((value) => ({ topic: topics.enriched, value, refusedBy: [groups.scoring, groups.lake] })),
      // Scored and landed: its Score, which carries the category, is what profiles refuse (checked below).
      { topic: topics.enriched, value: enriched(`${run}-nul`, { properties: { category: 'a\u0000b' } }), refusedBy: [] },
      ...['not json', '{"userId":"u-internal","occurredAt":"' + at + '","score":"high"}', '{"userId":"u-internal","occurredAt":"' + at + '","score":7}'].map(
        (value) => ({ topic: topics.scores, value, refusedBy: [groups.profiles] }),
      ),
      ...[
        'not json',
        '{"userId":"u-internal"}',
        JSON.stringify({
          alertId: 'alert_x\u0000',
          eventId: 'x',
          userId: 'u-internal',
          eventType: 'login',
          occurredAt: at,
          score: 0.9,
          model: { id: 'm', version: '1' },
          reasons: [],
          raisedAt: at,
        }),
      ].map((value) => ({ topic: topics.alerts, value, refusedBy: [groups.alerts] })),
    ];
    for (const { topic, value } of hostile) await bus.publish(topic, [{ key: 'u-internal', value }]);
    const validEvent = `${run}-internal-valid`;
    await bus.publish(topics.enriched, [{ key: 'u-internal', value: enriched(validEvent, { properties: { category: 'after-the-poison' } }) }]);
    const validAlert = {
      alertId: `alert_${run}-internal`,
      eventId: `${run}-internal`,
      userId: 'u-internal',
      eventType: 'login',
      occurredAt: at,
      score: 0.9,
      model: { id: 'm', version: '1' },
      reasons: [],
      raisedAt: at,
    };
    await bus.publish(topics.alerts, [{ key: 'u-internal', value: JSON.stringify(validAlert) }]);
    // A second later than the events: the profile's last risk score is this one, whenever scoring's own arrive.
    const later = new Date(Date.parse(at) + 1_000).toISOString();
    await bus.publish(topics.scores, [
      {
        key: 'u-internal',
        value: JSON.stringify({
          eventId: `${run}-internal-score`,
          userId: 'u-internal',
          occurredAt: later,
          model: { id: 'm', version: '1' },
          score: 0.42,
          decision: 'allow',
          alert: false,
          reasons: [],
          scoredAt: later,
        }),
      },
    ]);

    await eventually(
      async () => {
        const profile = (await (await fetch(`${apps[2].url}/v1/profiles/u-internal`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
          topPageCategories?: string[];
          lastRiskScore?: number;
        };
        expect(profile).toMatchObject({ topPageCategories: ['after-the-poison'], lastRiskScore: 0.42 });
      },
      { timeoutMs: 30_000 },
    );
    // The scores topic holds the hostile records too: only scoring's own are read.
    const scoredIds = () =>
      scores.records.flatMap((r) => (r.value.toString().startsWith('{') ? [(JSON.parse(r.value.toString()) as { eventId?: string }).eventId] : []));
    await eventually(() => expect(scoredIds()).toContain(validEvent), { timeoutMs: 30_000 });
    await eventually(
      async () => {
        const listed = (await (await fetch(`${apps[3].url}/v1/alerts?limit=50`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
          items: Array<{ alertId: string }>;
        };
        expect(listed.items.map((a) => a.alertId)).toContain(validAlert.alertId);
      },
      { timeoutMs: 30_000 },
    );
    await eventually(
      () => {
        const letters = invalid.values() as Array<{ reason: string; group: string; payload: string; origin: { topic: string } }>;
        const refusals = hostile.map(({ topic, value, refusedBy }) => ({
          value: value.slice(0, 60),
          missing: refusedBy.filter(
            (group) => !letters.some((l) => l.origin.topic === topic && l.group === group && l.payload === value && l.reason.length > 3),
          ),
        }));
        expect(refusals.filter((r) => r.missing.length > 0)).toEqual([]);
        expect(letters.filter((l) => l.origin.topic === topics.scores && l.group === groups.profiles && l.payload.includes(`${run}-nul`))).toEqual([
          expect.objectContaining({ reason: expect.stringMatching(/Unicode|byte sequence|syntax for type json/) }),
        ]);
      },
      { timeoutMs: 30_000 },
    );
    for (const c of [invalid, scores]) await c.consumer.stop();
  });

  it('stores text that is storable however odd (U+FFFF, a byte-order mark, combining marks) and serves it back unchanged', async () => {
    const odd = `\uffff\ufeffsho${'e\u0301'.repeat(100)}s`;
    const response = await post(
      JSON.stringify({ eventId: `${run}-odd`, type: 'page_view', userId: 'u-odd', occurredAt: now(), properties: { category: odd } }),
    );
    expect(((await response.json()) as { accepted: number }).accepted).toBe(1);
    await eventually(
      async () => {
        const profile = (await (await fetch(`${apps[2].url}/v1/profiles/u-odd`, { headers: { authorization: `Bearer ${API_KEY}` } })).json()) as {
          topPageCategories?: string[];
        };
        expect(profile.topPageCategories).toEqual([odd]);
      },
      { timeoutMs: 30_000 },
    );
  });

  it('leaves every service alive and ready', async () => {
    for (const app of apps) expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  });
});
