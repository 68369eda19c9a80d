import Redis from 'ioredis';
import {
  REFERENCE_KEYS,
  ReferenceChanges,
  ReferenceDataCache,
  ReferenceDataReader,
  ReferenceDataWriter,
  type DatasetMembers,
  type ReferenceQuery,
} from '@app/enrichment';
import { eventually, startCuttingProxy, startOwnedRedis, type CuttingProxy, type OwnedServer } from '@app/testing';

async function* items<T>(values: T[]): AsyncIterable<T> {
  yield* values;
}

/**
 * The cache in front of a Redis of its own (tracking reports key names across every database, and
 * other tests load reference data), kept current by what Redis reports, through the ways its
 * reports can stop: a killed connection, a restart, a paused server.
 */
describe('reference data cached in ingest, kept current by Redis', () => {
  let server: OwnedServer;
  /** Between the connection that hears changes and Redis, to cut it off silently. */
  let proxy: CuttingProxy;
  let redis: Redis;
  let admin: Redis;
  let fetches: DatasetMembers[];
  let cache: ReferenceDataCache;
  let changes: ReferenceChanges;
  const warnings: string[] = [];
  const payment: ReferenceQuery = { merchantId: 'm-1', ip: '203.0.113.9', deviceId: 'd-1', emailDomain: 'example.com' };
  const ipDenied = async () => (await cache.lookup([payment]))[0].ipDenied;
  /** Trusted again: a lookup's answers are kept, so the next one asks Redis nothing. */
  const cachingAgain = () =>
    eventually(async () => {
      await cache.lookup([payment]);
      const before = fetches.length;
      await cache.lookup([payment]);
      expect(fetches.length).toBe(before);
    });

  /** Hears changes through the proxy (to cut it off silently), with a quick heartbeat. */
  const listen = () => {
    changes = new ReferenceChanges(new Redis(proxy.port, '127.0.0.1', { lazyConnect: true }), cache, (message) => warnings.push(message), {
      everyMs: 200,
      timeoutMs: 100,
    });
    changes.start();
  };
  /** Redis back: a change made then is seen, and answers are kept again. */
  const seesChangesOnceUp = async () => {
    await server.start();
    await admin.sadd(REFERENCE_KEYS.denyIps, '203.0.113.9');
    await eventually(async () => expect(await ipDenied()).toBe(true), { timeoutMs: 10_000 });
    await cachingAgain();
  };

  beforeAll(async () => {
    server = await startOwnedRedis();
    proxy = await startCuttingProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
    admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    admin.on('error', () => undefined);
  });
  beforeEach(async () => {
    await admin.flushall();
    await new ReferenceDataWriter(admin).replaceMerchants(items([{ merchantId: 'm-1', category: 'books', riskTier: 'low' }]));
    const reader = new ReferenceDataReader(redis);
    fetches = [];
    cache = new ReferenceDataCache({ fetch: (members) => (fetches.push(members), reader.fetch(members)) }, 1_000);
    listen();
    await cachingAgain();
  });
  afterEach(() => changes.stop());
  afterAll(async () => {
    await proxy.close();
    redis.disconnect();
    admin.disconnect();
    await server.dispose();
  });

  it('answers as Redis does, and a batch it holds costs no round trip', async () => {
    const fetched = fetches.length;
    expect(await cache.lookup([payment, { merchantId: 'm-2' }])).toEqual([
      { merchant: { category: 'books', riskTier: 'low' }, ipDenied: false, deviceDenied: false, emailDomainDenied: false },
      { merchant: null, ipDenied: false, deviceDenied: false, emailDomainDenied: false },
    ]);
    expect(fetches.slice(fetched)).toEqual([{ merchants: ['m-2'] }]);
    expect(await new ReferenceDataReader(redis).lookup([payment])).toEqual(await cache.lookup([payment]));
    expect(fetches).toHaveLength(fetched + 1);
  });

  it('sees a dataset the loader replaced (RENAME over the live key), and a member an operator added', async () => {
    expect(await ipDenied()).toBe(false);
    await new ReferenceDataWriter(admin).replaceSet('denyIps', items(['203.0.113.9']));
    await eventually(async () => expect(await ipDenied()).toBe(true), { timeoutMs: 2_000 });
    await admin.sadd(REFERENCE_KEYS.denyDevices, 'd-1');
    await eventually(async () => expect((await cache.lookup([payment]))[0].deviceDenied).toBe(true), { timeoutMs: 2_000 });
    await admin.hset(REFERENCE_KEYS.merchants, 'm-1', JSON.stringify({ category: 'travel', riskTier: 'high' }));
    await eventually(async () => expect((await cache.lookup([payment]))[0].merchant).toEqual({ category: 'travel', riskTier: 'high' }), { timeoutMs: 2_000 });
    await cachingAgain();
  });

  it('misses no change made while the connection that hears them was killed, and caches again after', async () => {
    await admin.client('KILL', 'TYPE', 'pubsub');
    await admin.sadd(REFERENCE_KEYS.denyIps, '203.0.113.9');
    await eventually(async () => expect(await ipDenied()).toBe(true), { timeoutMs: 2_000 });
    await cachingAgain();
  });

  it('misses no change across a Redis restart', async () => {
    await server.kill();
    // Once the connection's loss is seen, nothing is answered from memory: Redis is asked, and is down.
    await eventually(() => expect(cache.lookup([payment])).rejects.toThrow(), { timeoutMs: 2_000 });
    await seesChangesOnceUp();
  });

  it('starts while Redis is down, answering nothing from memory, and caches once Redis is up', async () => {
    changes.stop();
    await server.kill();
    listen();
    await expect(cache.lookup([payment])).rejects.toThrow();
    await seesChangesOnceUp();
  });

  it('misses no change made while the connection that hears them is cut off without closing', async () => {
    proxy.stall();
    await admin.sadd(REFERENCE_KEYS.denyIps, '203.0.113.9');
    // The heartbeat (every 200 ms, 100 ms to answer) finds the silence and forgets all; no report of the change came.
    await eventually(async () => expect(await ipDenied()).toBe(true), { timeoutMs: 1_000 });
    await cachingAgain();
    expect(warnings).toEqual([]);
  });
});
