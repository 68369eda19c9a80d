import Redis from 'ioredis';
import { createBus, silentBusLogger, type Consumer, type MessageBus } from '@app/bus';
import { eventually, sleep, testEnv, uniqueName } from '@app/testing';
import { streamKey } from '../src/redis/stream-keys';

/**
 * The Redis Streams consumer reads the next batch while the handler works on one (docs/bus.md): Redis
 * prepares entries on one core while the handler runs on the other. Seen from Redis, the group's
 * pending list holds two batches while the first is being handled.
 */
describe('a Redis Streams consumer reading ahead', () => {
  let bus: MessageBus;
  let redis: Redis;
  let consumer: Consumer | undefined;
  const topic = uniqueName('read-ahead');
  const group = uniqueName('g');

  beforeAll(async () => {
    bus = createBus({ url: testEnv.redisUrl, clientId: 'read-ahead-test', logger: silentBusLogger });
    redis = new Redis(testEnv.redisUrl);
    await bus.ensureTopics([
      { topic, partitions: 1 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
  });

  afterAll(async () => {
    await consumer?.stop();
    await bus.deleteTopics([topic, `${topic}.dlq`]);
    await bus.close();
    redis.disconnect();
  });

  it('has the next batch read while the handler works, and still hands batches over one at a time, in order', async () => {
    // A publish call a stream entry (a call's records of a partition share one), so a read of 100 entries is one batch.
    for (let seq = 0; seq < 300; seq++) await bus.publish(topic, [{ key: 'k', value: JSON.stringify({ seq }) }]);
    const pending = async () => Number(((await redis.xpending(streamKey(topic, 0), group)) as [number])[0]);
    const seen: number[] = [];
    let pendingWhileHandlingFirst = 0;
    let active = 0;
    let overlapped = false;
    consumer = await bus.consume({
      group,
      topics: [topic],
      deadLetterTopic: `${topic}.dlq`,
      maxBatchSize: 100,
      handler: async (batch) => {
        overlapped ||= ++active > 1;
        if (seen.length === 0) {
          // Up to 3 s for the read-ahead to show in the pending list; without it, it stays at this batch.
          for (let waited = 0; waited < 3_000 && pendingWhileHandlingFirst <= batch.records.length; waited += 50) {
            pendingWhileHandlingFirst = await pending();
            await sleep(50);
          }
        }
        seen.push(...batch.records.map((r) => Number(JSON.parse(r.value.toString()).seq)));
        active--;
      },
    });
    await eventually(() => expect(seen).toHaveLength(300));
    expect(pendingWhileHandlingFirst).toBe(200);
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(overlapped).toBe(false);
    await eventually(async () => expect(await pending()).toBe(0));
    await consumer.stop();
    consumer = undefined;
  });

  it('takes a send over several partitions in one batch, though Redis answers a blocked read with the first of them', async () => {
    const spread = uniqueName('read-ahead-spread');
    await bus.ensureTopics([{ topic: spread, partitions: 4 }]);
    const calls: number[][] = [];
    consumer = await bus.consume({
      group: uniqueName('g'),
      topics: [spread],
      deadLetterTopic: `${topic}.dlq`,
      handler: async (batch) => void calls.push([batch.partition]),
      handleTogether: async (batches) => void calls.push(batches.map((b) => b.partition)),
    });
    await sleep(300); // the member blocks on its read of the four partitions, with nothing to read yet
    await bus.publish(
      spread,
      Array.from({ length: 40 }, (_, i) => ({ key: `user-${i}`, value: String(i) })),
    );
    await eventually(() => expect(calls.flat()).toHaveLength(4));
    expect(calls.map((partitions) => [...partitions].sort())).toEqual([[0, 1, 2, 3]]);
    await consumer.stop();
    consumer = undefined;
    await bus.deleteTopics([spread]);
  });
});
