import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createBus, silentBusLogger, type Consumer, type MessageBus } from '@app/bus';
import { ConsumerGroups, consumerGroup, topicNames, type EnrichedEvent } from '@app/contracts';
import { loadConfig } from '@app/platform';
import { bootApp, collectTopic, eventually, metricSum, mmdbFile, startOwnedRedis, testEnv, uniqueName, type BootedApp } from '@app/testing';
import { ingestEnv } from '../src/ingest.config';
import { IngestModule } from '../src/ingest.module';
import { REFERENCE_KEYS } from '@app/enrichment';

const API_KEY = 'ingest-test-key-1';
const now = () => new Date(Date.now() - 60_000).toISOString();

function environment(overrides: Record<string, string> = {}) {
  return {
    API_KEYS: API_KEY,
    LOG_LEVEL: 'silent',
    BUS_URL: testEnv.redisUrl,
    REDIS_URL: testEnv.redisUrl,
    BUS_TOPIC_PREFIX: `${uniqueName('it')}.`,
    BUS_PARTITIONS: '2',
    INGEST_ROLES: 'http,raw',
    ...overrides,
  };
}

async function bootIngest(env: Record<string, string>): Promise<BootedApp> {
  return bootApp(IngestModule.forRoot(loadConfig(ingestEnv, env)), 'ingest');
}

const post = (app: BootedApp, body: string, type = 'application/json', auth = `Bearer ${API_KEY}`) =>
  fetch(`${app.url}/v1/events`, { method: 'POST', headers: { 'content-type': type, authorization: auth }, body });
// Response bodies are asserted field by field.
const json = (res: Response): Promise<any> => res.json();

describe('ingest: POST /v1/events and events.raw', () => {
  let app: BootedApp;
  let bus: MessageBus;
  let redis: Redis;
  let topics: ReturnType<typeof topicNames>;
  let enriched: Awaited<ReturnType<typeof collectTopic>>;
  let invalid: Awaited<ReturnType<typeof collectTopic>>;
  const consumers: Consumer[] = [];
  // An ASN database of one network (the format of GeoLite2-ASN): events from it carry `asn`.
  const asnDir = mkdtempSync(join(tmpdir(), 'ingest-asn-'));
  writeFileSync(
    join(asnDir, 'asn.mmdb'),
    mmdbFile([{ network: '81.2.69.0/24', record: { autonomous_system_number: 20712, autonomous_system_organization: 'Andrews & Arnold Ltd' } }]),
  );
  const env = environment({ ASN_DATABASES: join(asnDir, 'asn.mmdb') });
  const merchantId = uniqueName('m');
  const deniedDevice = uniqueName('dev');

  beforeAll(async () => {
    topics = topicNames(env.BUS_TOPIC_PREFIX);
    redis = new Redis(testEnv.redisUrl);
    await redis.hset(REFERENCE_KEYS.merchants, merchantId, JSON.stringify({ category: 'electronics', riskTier: 'high' }));
    await redis.sadd(REFERENCE_KEYS.denyDevices, deniedDevice);
    app = await bootIngest(env);
    bus = createBus({ url: testEnv.redisUrl, clientId: 'ingest-test', logger: silentBusLogger });
    enriched = await collectTopic(bus, topics.enriched, topics.invalid);
    invalid = await collectTopic(bus, topics.invalid, topics.invalid);
    consumers.push(enriched.consumer, invalid.consumer);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await app.close();
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await redis.hdel(REFERENCE_KEYS.merchants, merchantId);
    await redis.srem(REFERENCE_KEYS.denyDevices, deniedDevice);
    redis.disconnect();
    rmSync(asnDir, { recursive: true, force: true });
  });

  it('accepts the valid events of a mixed batch, rejects the others with reasons, and publishes both', async () => {
    const userId = uniqueName('u');
    const good = {
      eventId: uniqueName('e'),
      type: 'transaction',
      userId,
      occurredAt: now(),
      amount: 99.5,
      currency: 'EUR',
      merchantId,
      ip: '81.2.69.142',
      deviceId: deniedDevice,
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    };
    const bad = { type: 'transaction', userId, occurredAt: now(), amount: -3, currency: 'EUR', merchantId };
    const res = await post(app, JSON.stringify([good, bad]));
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: 1,
      results: [
        { index: 0, eventId: good.eventId, status: 'accepted' },
        { index: 1, status: 'rejected', reasons: ['amount: must not be negative'] },
      ],
    });

    // 202 means durable: the enriched event is already on the bus.
    await eventually(() => expect(enriched.values().filter((e: EnrichedEvent) => e.userId === userId)).toHaveLength(1));
    const event: EnrichedEvent = enriched.values().find((e: EnrichedEvent) => e.userId === userId);
    expect(event).toMatchObject({
      ...good,
      source: 'http',
      geo: { country: 'GB', city: 'London' },
      ua: { os: 'iOS', deviceType: 'mobile', isBot: false },
      merchant: { category: 'electronics', riskTier: 'high' },
      asn: { number: 20712, organization: 'Andrews & Arnold Ltd' },
      flags: ['device_denylisted'],
    });
    expect(Date.parse(event.receivedAt)).not.toBeNaN();
    expect(enriched.records.find((r) => JSON.parse(r.value.toString()).userId === userId)?.key).toBe(userId);

    await eventually(() => expect(invalid.values().filter((d) => d.origin.key === userId)).toHaveLength(1));
    const letter = invalid.values().find((d) => d.origin.key === userId);
    expect(letter).toMatchObject({ reason: 'amount: must not be negative', group: 'ingest', origin: { topic: 'http', partition: -1 } });
    expect(JSON.parse(letter.payload)).toEqual(bad);
  });

  it('counts what became of the events it took in, rejections by the field at fault, and times each request by its route', async () => {
    const counted = async () => ({
      accepted: await metricSum(app.url, 'ingest_events_total', 'outcome="accepted"'),
      rejected: await metricSum(app.url, 'ingest_events_total', 'outcome="rejected"'),
      amount: await metricSum(app.url, 'ingest_rejections_total', 'cause="amount"'),
      unknown: await metricSum(app.url, 'ingest_rejections_total', 'cause="unknown_field"'),
      requests: await metricSum(app.url, 'http_request_duration_seconds_count', 'route="/v1/events",status_code="202"'),
    });
    const before = await counted();
    const userId = uniqueName('u');
    const event = { type: 'login', userId, occurredAt: now() };
    expect((await post(app, JSON.stringify([event, { ...event, amount: -1 }, { ...event, colour: 'red' }]))).status).toBe(202);
    const after = await counted();
    expect({
      accepted: after.accepted - before.accepted,
      rejected: after.rejected - before.rejected,
      amount: after.amount - before.amount,
      unknown: after.unknown - before.unknown,
      requests: after.requests - before.requests,
    }).toEqual({ accepted: 1, rejected: 2, amount: 1, unknown: 1, requests: 1 });
  });

  it('finds an IPv6 address on the deny-list however the event spells it', async () => {
    const denied = '2001:db8:5::1'; // as the loader stores it (canonicalIp)
    await redis.sadd(REFERENCE_KEYS.denyIps, denied);
    try {
      const userIds = ['2001:DB8:5::1', '2001:db8:5:0:0:0:0:1', '2001:0db8:0005::0001'].map((ip) => ({ ip, userId: uniqueName('u') }));
      for (const { ip, userId } of userIds) expect((await post(app, JSON.stringify({ type: 'login', userId, occurredAt: now(), ip }))).status).toBe(202);
      await eventually(() => {
        const flagged = enriched.values().filter((e: EnrichedEvent) => userIds.some((u) => u.userId === e.userId) && e.flags.includes('ip_denylisted'));
        expect(flagged).toHaveLength(3);
      });
    } finally {
      await redis.srem(REFERENCE_KEYS.denyIps, denied);
    }
  });

  it('answers reference data it saw lately from memory, and sees a change to it as Redis reports it', async () => {
    const merchant = uniqueName('m');
    await redis.hset(REFERENCE_KEYS.merchants, merchant, JSON.stringify({ category: 'books', riskTier: 'low' }));
    const pay = () => {
      const userId = uniqueName('u');
      return post(
        app,
        JSON.stringify({ type: 'transaction', userId, occurredAt: now(), amount: 5, currency: 'EUR', merchantId: merchant, ip: '81.2.69.142' }),
      ).then(async (res) => {
        expect(res.status).toBe(202);
        return eventually(() => {
          const event = enriched.values().find((e: EnrichedEvent) => e.userId === userId);
          expect(event).toBeDefined();
          return event as EnrichedEvent;
        });
      });
    };
    const cached = () => metricSum(app.url, 'ingest_reference_lookups_total', 'answered="cached"');
    try {
      // The cache is trusted once Redis reports changes to it; from then a member seen is not asked again.
      await eventually(async () => {
        await pay();
        const before = await cached();
        expect((await pay()).merchant).toEqual({ category: 'books', riskTier: 'low' });
        expect((await cached()) - before).toBe(1);
      });
      await redis.hset(REFERENCE_KEYS.merchants, merchant, JSON.stringify({ category: 'books', riskTier: 'high' }));
      await eventually(async () => expect((await pay()).merchant).toEqual({ category: 'books', riskTier: 'high' }), { timeoutMs: 5_000 });
    } finally {
      await redis.hdel(REFERENCE_KEYS.merchants, merchant);
    }
  });

  it('assigns an eventId when the event has none, and flags what enrichment could not do', async () => {
    const userId = uniqueName('u');
    const res = await post(app, JSON.stringify({ type: 'login', userId, occurredAt: now(), ip: '10.0.0.7' }));
    expect(res.status).toBe(202);
    const [result] = (await json(res)).results;
    expect(result.eventId).toMatch(/^[0-9a-f-]{36}$/);
    await eventually(() =>
      expect(enriched.values().find((e: EnrichedEvent) => e.userId === userId)).toMatchObject({
        eventId: result.eventId,
        geo: null,
        ua: null,
        merchant: null,
        flags: ['ip_private', 'user_agent_missing'],
      }),
    );
  });

  it('reads NDJSON, rejecting a broken line by its index without losing its neighbours', async () => {
    const userId = uniqueName('u');
    const line = (i: number) => JSON.stringify({ eventId: `${userId}-${i}`, type: 'page_view', userId, occurredAt: now(), properties: { category: 'shoes' } });
    const res = await post(app, `${line(1)}\n{"type": "login", oops\n${line(3)}\n`, 'application/x-ndjson');
    const body = await json(res);
    expect(res.status).toBe(202);
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.results[1]).toEqual({ index: 1, status: 'rejected', reasons: [expect.stringMatching(/^not valid JSON: /)] });
    await eventually(() => expect(enriched.values().filter((e: EnrichedEvent) => e.userId === userId)).toHaveLength(2));
  });

  it('does not publish an eventId twice, within a request or across requests', async () => {
    const userId = uniqueName('u');
    const event = { eventId: uniqueName('dup'), type: 'add_to_cart', userId, occurredAt: now() };
    const first = await json(await post(app, JSON.stringify([event, event])));
    expect(first.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'duplicate']);
    const again = await json(await post(app, JSON.stringify(event)));
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, results: [{ eventId: event.eventId, status: 'duplicate' }] });
    await new Promise((r) => setTimeout(r, 500));
    expect(enriched.values().filter((e: EnrichedEvent) => e.userId === userId)).toHaveLength(1);
  });

  /** On Redis Streams the bus checks the id as it appends (publishOnce): two requests at once cannot both pass a lookup first. */
  it('publishes an eventId that two requests send at the same moment once, and tells one of them it is a duplicate', async () => {
    const userId = uniqueName('u');
    const event = { eventId: uniqueName('race'), type: 'login', userId, occurredAt: now() };
    const answers = await Promise.all(Array.from({ length: 4 }, async () => json(await post(app, JSON.stringify(event)))));
    expect(answers.map((a) => a.results[0].status).sort()).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate']);
    await new Promise((r) => setTimeout(r, 500));
    expect(enriched.values().filter((e: EnrichedEvent) => e.userId === userId)).toHaveLength(1);
  });

  it.each([
    ['no API key', 401, 'UNAUTHENTICATED', () => post(app, '{}', 'application/json', '')],
    ['a wrong API key', 401, 'UNAUTHENTICATED', () => post(app, '{}', 'application/json', 'Bearer not-the-key-123')],
    ['a form body', 415, 'UNSUPPORTED_MEDIA_TYPE', () => post(app, 'a=1', 'application/x-www-form-urlencoded')],
    ['malformed JSON', 400, 'MALFORMED_JSON', () => post(app, '{"type":')],
    ['an empty array', 400, 'EMPTY_BATCH', () => post(app, '[]')],
    ['too many events', 413, 'TOO_MANY_EVENTS', () => post(app, JSON.stringify(Array.from({ length: 1001 }, () => ({}))))],
    ['a body over the byte limit', 413, 'BODY_TOO_LARGE', () => post(app, JSON.stringify({ pad: 'x'.repeat(3 * 1024 * 1024) }))],
    ['only invalid events', 422, 'INVALID_EVENTS', () => post(app, JSON.stringify([{ type: 'nope' }]))],
  ] as const)('answers %s with %i %s', async (_what, status, code, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect((await json(res)).error).toMatchObject({ code, message: expect.any(String) });
  });

  it('validates and enriches events written straight to events.raw, dead-lettering the bad ones', async () => {
    const userId = uniqueName('u');
    await bus.publish(topics.raw, [
      { key: userId, value: JSON.stringify({ eventId: `${userId}-ok`, type: 'login', userId, occurredAt: now(), ip: '8.8.8.8' }) },
      { key: userId, value: '{not json' },
      { key: userId, value: JSON.stringify({ type: 'login', userId, occurredAt: 'yesterday' }) },
    ]);
    await eventually(() =>
      expect(enriched.values().find((e: EnrichedEvent) => e.userId === userId)).toMatchObject({
        eventId: `${userId}-ok`,
        source: 'events.raw',
        geo: { country: 'US' },
      }),
    );
    await eventually(() => expect(invalid.values().filter((d) => d.origin.key === userId)).toHaveLength(2));
    const reasons = invalid
      .values()
      .filter((d) => d.origin.key === userId)
      .map((d) => d.reason);
    expect(reasons).toEqual([expect.stringMatching(/^not valid JSON/), expect.stringMatching(/^occurredAt: must be an ISO-8601 time/)]);
    expect(invalid.values().find((d) => d.origin.key === userId).origin.topic).toBe(topics.raw);
  });

  it('gives a raw event without eventId the id of its place on the topic, so a redelivery of it is published once', async () => {
    const userId = uniqueName('u');
    await bus.publish(topics.raw, [{ key: userId, value: JSON.stringify({ type: 'login', userId, occurredAt: now() }) }]);
    await eventually(() =>
      expect(
        enriched
          .values()
          .filter((e: EnrichedEvent) => e.userId === userId)
          .map((e: EnrichedEvent) => e.eventId),
      ).toEqual([expect.stringMatching(new RegExp(`^raw:${topics.raw}:\\d+:`))]),
    );

    // Read again from the start of events.raw, as after a crash before the commit.
    await app.close();
    await bus.rewind(consumerGroup(env.BUS_TOPIC_PREFIX, ConsumerGroups.raw), topics.raw, new Date(0));
    app = await bootIngest(env);
    const marker = `${userId}-after`;
    await bus.publish(topics.raw, [{ key: userId, value: JSON.stringify({ eventId: marker, type: 'login', userId, occurredAt: now() }) }]);
    await eventually(() => expect(enriched.values().some((e: EnrichedEvent) => e.eventId === marker)).toBe(true));
    expect(enriched.values().filter((e: EnrichedEvent) => e.userId === userId)).toHaveLength(2);
  });
});

describe('ingest under pressure', () => {
  it('answers 429 with Retry-After when an API key goes over its rate', async () => {
    const app = await bootIngest(environment({ INGEST_RATE_LIMIT_PER_SECOND: '5', INGEST_RATE_LIMIT_BURST: '1000', INGEST_MAX_EVENTS_PER_REQUEST: '1000' }));
    try {
      const events = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ type: 'login', userId: uniqueName('u'), occurredAt: now() })));
      expect((await post(app, events(1000))).status).toBe(202);
      // The same key written differently is the same client.
      const res = await post(app, events(10), 'application/json', `BEARER   ${API_KEY}`);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await json(res)).error.code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
    }
  });

  it('answers 503 with Retry-After, accepting nothing, when the bus cannot take the events', async () => {
    const busServer = await startOwnedRedis();
    const app = await bootIngest(environment({ BUS_URL: busServer.url, INGEST_PUBLISH_TIMEOUT_MS: '500' }));
    try {
      await busServer.kill();
      const res = await post(app, JSON.stringify({ type: 'login', userId: uniqueName('u'), occurredAt: now() }));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await json(res)).error.code).toBe('BUS_UNAVAILABLE');
      // A round of readiness checks answers for a second: the next one sees the bus gone.
      await eventually(async () => expect((await fetch(`${app.url}/health/ready`)).status).toBe(503), { timeoutMs: 5_000 });
    } finally {
      await busServer.start();
      await app.close();
      await busServer.dispose();
    }
  });
});
