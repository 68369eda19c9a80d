import Redis from 'ioredis';
import {
  createBus,
  FramedScript,
  partitionForKey,
  silentBusLogger,
  type BusRecord,
  type Consumer,
  type MessageBus,
  type ScriptArgument,
  type StreamOutbox,
} from '@app/bus';
import { eventually, testEnv, uniqueName } from '@app/testing';
import { RECORDS_PER_ENTRY } from '../src/redis/redis-streams.bus';
import { streamKey } from '../src/redis/stream-keys';

/**
 * Redis Streams' outbox (StreamOutbox): a caller's own script appends its records with its own writes.
 * Consumers read them as published ones (keys, headers, partitions, order); a script that refuses
 * appends nothing and writes nothing; and only a caller on the bus's own Redis is given one.
 */
describe('redis streams: the outbox', () => {
  const PARTITIONS = 3;
  let bus: MessageBus;
  let outbox: StreamOutbox;
  let redis: Redis;
  const consumers: Consumer[] = [];
  const topics = [uniqueName('outbox-a'), uniqueName('outbox-b')];
  const dlq = `${topics[0]}.dlq`;
  const marker = uniqueName('outbox-marker');

  /** The caller's script: refuses when its marker already holds the value (as a fence refuses a second run), else sets it and appends. */
  const run = async (value: string, plan: { keys: string[]; args: ScriptArgument[] }) =>
    new FramedScript(`${outbox.lua}
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.error_reply('FENCED already written') end
redis.call('SET', KEYS[1], ARGV[1])
appendOutbox(2, 2)
return 1`).run(redis, [marker, ...plan.keys], [value, ...plan.args]);

  beforeAll(async () => {
    bus = createBus({ url: testEnv.redisUrl, clientId: 'outbox-test', logger: silentBusLogger });
    redis = new Redis(testEnv.redisUrl);
    await bus.ensureTopics([...topics, dlq].map((topic) => ({ topic, partitions: PARTITIONS })));
    outbox = bus.outbox?.(testEnv.redisUrl) as StreamOutbox;
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await bus.deleteTopics([...topics, dlq]);
    await redis.del(marker);
    await bus.close();
    redis.disconnect();
  });

  it('is given to a caller on the bus’s own Redis only', () => {
    expect(outbox).toBeDefined();
    expect(bus.outbox?.('redis://another-host:6379')).toBeUndefined();
    expect(bus.outbox?.(`${testEnv.redisUrl.replace(/\/\d*$/, '')}/9`)).toBeUndefined();
  });

  it("appends the records with the script's own write, as publish would; a refused run appends nothing", async () => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const outputs = [
      {
        topic: topics[0],
        records: Array.from({ length: RECORDS_PER_ENTRY + 10 }, (_, i) => ({
          key: users[i % users.length],
          value: JSON.stringify({ i }),
          headers: i === 0 ? { origin: 'first' } : undefined,
        })),
      },
      { topic: topics[1], records: [{ key: 'u1', value: 'alert-1' }] },
    ];
    const plan = await outbox.plan(outputs);
    await expect(run('v1', plan)).resolves.toBe(1);
    outbox.published(outputs);
    await expect(run('v1', await outbox.plan(outputs))).rejects.toThrow('FENCED');
    expect(await redis.get(marker)).toBe('v1');

    const seen = new Map<string, BusRecord[]>();
    consumers.push(
      await bus.consume({
        group: uniqueName('g'),
        topics,
        deadLetterTopic: dlq,
        handler: async (batch) =>
          void seen.set(`${batch.topic}/${batch.partition}`, [...(seen.get(`${batch.topic}/${batch.partition}`) ?? []), ...batch.records]),
      }),
    );
    await eventually(() => expect([...seen.values()].flat()).toHaveLength(RECORDS_PER_ENTRY + 11));
    for (const [where, records] of seen) {
      const [topic, partition] = where.split('/');
      for (const record of records) expect(partitionForKey(record.key as string, PARTITIONS)).toBe(Number(partition));
      if (topic === topics[1]) expect(records.map((r) => r.value.toString())).toEqual(['alert-1']);
      else {
        const order = records.map((r) => (JSON.parse(r.value.toString()) as { i: number }).i);
        expect(order).toEqual([...order].sort((x, y) => x - y)); // each partition's records in the order given
      }
    }
    const first = [...seen.values()].flat().find((r) => r.value.toString() === JSON.stringify({ i: 0 }));
    expect(first?.headers).toEqual({ origin: 'first' });
    // The records of one partition go in as few entries as publish packs them into.
    const entries = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => redis.xlen(streamKey(topics[0], p))));
    expect(entries.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(PARTITIONS + 1);
  });
});
