import Redis from 'ioredis';
import { createBus, silentBusLogger, type MessageBus } from '@app/bus';
import { sleep, testEnv, uniqueName } from '@app/testing';
import { streamKey } from '../src/redis/stream-keys';

/** Each topic keeps its entries for its own retention (BUS_RETENTION_HOURS, BUS_TOPIC_RETENTION_HOURS). */
describe('redis streams: retention per topic', () => {
  const brief = uniqueName('brief');
  const kept = uniqueName('kept');
  let bus: MessageBus;
  let redis: Redis;

  beforeAll(async () => {
    bus = createBus({ url: testEnv.redisUrl, clientId: 'retention-test', logger: silentBusLogger, retentionMs: (topic) => (topic === brief ? 20 : 3_600_000) });
    redis = new Redis(testEnv.redisUrl);
    await bus.ensureTopics([
      { topic: brief, partitions: 1 },
      { topic: kept, partitions: 1 },
    ]);
  });

  afterAll(async () => {
    await bus.deleteTopics([brief, kept]);
    await bus.close();
    redis.disconnect();
  });

  it('trims a topic past its own retention and leaves another topic whole', async () => {
    // One publish call a stream entry (a call's records of a partition share one).
    for (const topic of [brief, kept]) for (let i = 0; i < 500; i++) await bus.publish(topic, [{ key: 'k', value: String(i) }]);
    await sleep(50);
    for (const topic of [brief, kept]) await bus.publish(topic, [{ key: 'k', value: 'last' }]);
    // MINID ~ trims whole stream nodes (100 entries each): what is left of the old ones is under a node.
    expect(await redis.xlen(streamKey(brief, 0))).toBeLessThanOrEqual(101);
    expect(await redis.xlen(streamKey(kept, 0))).toBe(501);
  });
});
