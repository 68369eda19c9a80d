import { createBus, silentBusLogger, type BusRecord, type Consumer, type MessageBus, type RecordBatch } from '@app/bus';
import { eventually, sleep, testEnv, uniqueName } from '@app/testing';

/** Kafka only: the Redis engine runs one member per group by design (docs/bus.md). */
describe('kafka consumer group scale-out', () => {
  let first: MessageBus;
  let second: MessageBus;
  let topic: string;
  const consumers: Consumer[] = [];

  beforeEach(async () => {
    first = createBus({ url: `kafka://${testEnv.kafkaBrokers}`, clientId: 'scale-a', logger: silentBusLogger });
    second = createBus({ url: `kafka://${testEnv.kafkaBrokers}`, clientId: 'scale-b', logger: silentBusLogger });
    topic = uniqueName('scale');
    await first.ensureTopics([
      { topic, partitions: 4 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop().catch(() => undefined)));
    await first.deleteTopics([topic, `${topic}.dlq`]);
    await Promise.all([first.close(), second.close()]);
  });

  it('shares partitions with a member that joins mid-stream, losing nothing in the rebalance', async () => {
    const group = uniqueName('g');
    await first.publish(
      topic,
      Array.from({ length: 4000 }, (_, i) => ({ key: `user-${i % 97}`, value: String(i) })),
    );
    const seenByA: BusRecord[] = [];
    const seenByB: BusRecord[] = [];
    const newlyAssigned = { a: [] as number[], b: [] as number[] };
    const slowly = (seen: BusRecord[], marks: number[]) => async (batch: RecordBatch) => {
      await sleep(100); // ~8 s of work in all: longer than a rebalance (up to one heartbeat, 3 s)
      if (batch.newlyAssigned) marks.push(batch.partition);
      seen.push(...batch.records);
    };
    consumers.push(
      await first.consume({ group, topics: [topic], deadLetterTopic: `${topic}.dlq`, maxBatchSize: 50, handler: slowly(seenByA, newlyAssigned.a) }),
    );
    await eventually(() => expect(seenByA.length).toBeGreaterThan(200));
    consumers.push(
      await second.consume({ group, topics: [topic], deadLetterTopic: `${topic}.dlq`, maxBatchSize: 50, handler: slowly(seenByB, newlyAssigned.b) }),
    );

    await eventually(() => expect(new Set([...seenByA, ...seenByB].map((r) => r.value.toString())).size).toBe(4000), { timeoutMs: 60_000 });
    expect(seenByB.length).toBeGreaterThan(0);
    const partitionsOfB = new Set(seenByB.map((r) => r.partition));
    expect(partitionsOfB.size).toBeGreaterThan(0);
    expect(partitionsOfB.size).toBeLessThan(4);
    // Each member's first batch of a partition it was given says so; a partition it kept through the rebalance does not.
    expect(newlyAssigned.b.sort()).toEqual([...partitionsOfB].sort());
    const partitionsOfA = new Set(seenByA.map((r) => r.partition));
    const keptByA = [...partitionsOfA].filter((p) => !partitionsOfB.has(p));
    for (const p of keptByA) expect(newlyAssigned.a.filter((q) => q === p)).toHaveLength(1);
  });
});
