import Redis from 'ioredis';
import { createBus, silentBusLogger, type BusRecord, type Consumer, type MessageBus } from '@app/bus';
import { eventually, testEnv, uniqueName } from '@app/testing';
import { groupLivenessKey } from '../src/redis/stream-keys';

/**
 * Redis Streams gives a group's entries to whichever member reads: a second member would take part of
 * each partition, out of order, and a position one member stores could skip the other's records.
 * So a group has one member at a time, and a second is refused at its start, saying why.
 */
describe('redis streams: one member per consumer group', () => {
  let bus: MessageBus;
  let redis: Redis;
  const topic = uniqueName('single-member');
  const dlq = `${topic}.dlq`;
  const consumers: Consumer[] = [];

  const member = async (group: string, seen: BusRecord[] = []) => {
    const consumer = await bus.consume({ group, topics: [topic], deadLetterTopic: dlq, handler: async (batch) => void seen.push(...batch.records) });
    consumers.push(consumer);
    return consumer;
  };

  beforeAll(async () => {
    bus = createBus({ url: testEnv.redisUrl, clientId: 'single-member-test', logger: silentBusLogger });
    redis = new Redis(testEnv.redisUrl);
    await bus.ensureTopics([
      { topic, partitions: 2 },
      { topic: dlq, partitions: 1 },
    ]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await bus.deleteTopics([topic, dlq]);
    await bus.close();
    redis.disconnect();
  });

  it('refuses a second member while the first runs, naming the group and the holder', async () => {
    const group = uniqueName('g');
    const seen: BusRecord[] = [];
    await member(group, seen);
    const started = Date.now();
    await expect(member(group)).rejects.toThrow(new RegExp(`consumer group "${group}" is held by another running member .*one member at a time`));
    expect(Date.now() - started).toBeLessThan(15_000);

    await bus.publish(topic, [
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    await eventually(() => expect(seen).toHaveLength(2)); // the first member still reads everything
  });

  it("lets a member start at once after the last one stopped, and after a crashed one's lease lapsed", async () => {
    const group = uniqueName('g');
    await (await member(group)).stop();
    let started = Date.now();
    await member(group);
    expect(Date.now() - started).toBeLessThan(1_000);

    const crashed = uniqueName('g');
    await redis.set(groupLivenessKey(crashed), 'crashed-host/1/abcdef', 'PX', 3_000); // what a killed member leaves
    started = Date.now();
    await member(crashed);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });
});
