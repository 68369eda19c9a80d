import Redis from 'ioredis';
import { createBus, silentBusLogger, type Consumer, type MessageBus } from '@app/bus';
import { eventually, testEnv, uniqueName } from '@app/testing';
import { RECORDS_PER_ENTRY } from '../src/redis/redis-streams.bus';
import { streamKey } from '../src/redis/stream-keys';

/**
 * Redis Streams packs a publish call's records of a partition into few stream entries (packed-records.ts).
 * Seen from a consumer nothing changes: batches of at most maxBatchSize, in order; and an entry the bus
 * cannot decode, or one written as one record per entry, does not stop its partition.
 */
describe('redis streams: packed entries', () => {
  let bus: MessageBus;
  let redis: Redis;
  const consumers: Consumer[] = [];
  const topic = uniqueName('packed');
  const dlq = `${topic}.dlq`;

  beforeAll(async () => {
    bus = createBus({ url: testEnv.redisUrl, clientId: 'packed-test', logger: silentBusLogger });
    redis = new Redis(testEnv.redisUrl);
    await bus.ensureTopics([topic, dlq, `${dlq}.dlq`].map((t) => ({ topic: t, partitions: 1 })));
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await bus.deleteTopics([topic, dlq, `${dlq}.dlq`]);
    await bus.close();
    redis.disconnect();
  });

  it('stores a publish call in few entries and hands the records over in batches of at most maxBatchSize, in order', async () => {
    await bus.publish(
      topic,
      Array.from({ length: 1_000 }, (_, seq) => ({ key: 'k', value: JSON.stringify({ seq }) })),
    );
    expect(await redis.xlen(streamKey(topic, 0))).toBe(Math.ceil(1_000 / RECORDS_PER_ENTRY));
    // Written as the bus wrote entries before it packed them, and by something else entirely.
    await redis.xadd(streamKey(topic, 0), '*', 'k', 'k', 'v', JSON.stringify({ seq: 1_000 }));
    await redis.xadd(streamKey(topic, 0), '*', 'r', Buffer.from([0, 0, 0, 9, 1, 0, 0]));
    await bus.publish(topic, [{ key: 'k', value: JSON.stringify({ seq: 1_001 }) }]);

    const seen: number[] = [];
    const sizes: number[] = [];
    consumers.push(
      await bus.consume({
        group: uniqueName('g'),
        topics: [topic],
        deadLetterTopic: dlq,
        maxBatchSize: 100,
        handler: async (batch, context) => {
          sizes.push(batch.records.length);
          for (const record of batch.records) {
            try {
              seen.push(Number((JSON.parse(record.value.toString()) as { seq: number }).seq));
            } catch {
              context.deadLetter(record, 'not JSON');
            }
          }
        },
      }),
    );
    const dead: string[] = [];
    consumers.push(
      await bus.consume({
        group: uniqueName('dlq'),
        topics: [dlq],
        deadLetterTopic: `${dlq}.dlq`,
        handler: async (batch) => {
          dead.push(...batch.records.map((r) => r.offset));
        },
      }),
    );

    await eventually(() => expect(seen).toHaveLength(1_002));
    expect(seen).toEqual(Array.from({ length: 1_002 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    await eventually(() => expect(dead).toHaveLength(1));
  });
});
