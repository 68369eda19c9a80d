import Redis from 'ioredis';
import { createBus, silentBusLogger, type Consumer, type MessageBus } from '@app/bus';
import { eventually, testEnv, uniqueName, watchRedisCommands, type RedisCommandWatch } from '@app/testing';
import { streamKey } from '../src/redis/stream-keys';

interface Sent {
  command: string;
  source: string;
}

/**
 * A Redis Streams consumer acknowledges handled entries in the same round trip as its next read
 * (docs/bus.md, "Consumers"), never in an XACK of its own, and what it still owes when it stops goes out
 * before stop() resolves. Seen from Redis's MONITOR: each XACK of the group comes from the reading
 * connection, followed at once by its XREADGROUP.
 */
describe('a Redis Streams consumer acknowledging with its next read', () => {
  let bus: MessageBus;
  let redis: Redis;
  let watch: RedisCommandWatch | undefined;
  let consumer: Consumer | undefined;
  const topic = uniqueName('acks');
  const group = uniqueName('g');
  const key = streamKey(topic, 0);
  const sent: Sent[] = [];
  const pending = async () => Number(((await redis.xpending(key, group)) as [number])[0]);

  beforeAll(async () => {
    bus = createBus({ url: testEnv.redisUrl, clientId: 'acks-test', logger: silentBusLogger });
    redis = new Redis(testEnv.redisUrl);
    await bus.ensureTopics([
      { topic, partitions: 1 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    // Other tests share this Redis: only this group's reads and acknowledgements count.
    watch = await watchRedisCommands(testEnv.redisUrl, ({ name, args, source }) => {
      if ((name === 'xack' || name === 'xreadgroup') && args.includes(group)) sent.push({ command: name, source });
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    watch?.close();
    await bus.deleteTopics([topic, `${topic}.dlq`]);
    await bus.close();
    redis.disconnect();
  });

  it('sends each XACK just before a read, on the reading connection, and owes nothing once stopped', async () => {
    const seen: number[] = [];
    consumer = await bus.consume({
      group,
      topics: [topic],
      deadLetterTopic: `${topic}.dlq`,
      handler: async (batch) => {
        seen.push(...batch.records.map((r) => Number(JSON.parse(r.value.toString()).seq)));
      },
    });
    // One record at a time, each handled before the next is sent: each is a batch of its own.
    for (let seq = 0; seq < 3; seq++) {
      await bus.publish(topic, [{ key: 'k', value: JSON.stringify({ seq }) }]);
      await eventually(() => expect(seen).toHaveLength(seq + 1));
    }
    // The last batch's acknowledgement rides the read after the one blocked when it finished.
    await eventually(async () => expect(await pending()).toBe(0));

    await bus.publish(topic, [{ key: 'k', value: JSON.stringify({ seq: 3 }) }]);
    await eventually(() => expect(seen).toHaveLength(4));
    await consumer.stop();
    consumer = undefined;
    expect(await pending()).toBe(0);

    const acks = sent.flatMap((s, i) => (s.command === 'xack' ? [i] : []));
    expect(acks.length).toBeGreaterThanOrEqual(3);
    const reader = sent.find((s) => s.command === 'xreadgroup')?.source;
    // Every acknowledgement but the one at stop came from the reader and was followed by its read.
    for (const i of acks.slice(0, -1)) {
      expect(sent[i].source).toBe(reader);
      expect(sent.slice(i + 1).find((s) => s.source === sent[i].source)?.command).toBe('xreadgroup');
    }
    expect(seen).toEqual([0, 1, 2, 3]);
  });
});
