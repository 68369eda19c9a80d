import { createBus, silentBusLogger, type Consumer, type MessageBus, type RecordBatch } from '@app/bus';
import { busUrlsUnderTest, eventually, sleep, uniqueName } from '@app/testing';

/**
 * ConsumeOptions.handleTogether on both engines: the partitions of both topics one read (Redis Streams) or
 * fetch (Kafka) brought are handled in one call; when that call fails, each partition's batch goes
 * through the ordinary handler, whose search for a poison record dead-letters it, and nothing is lost or
 * repeated.
 */
describe.each(busUrlsUnderTest)('a %s consumer that handles partitions together', (engine, url) => {
  let bus: MessageBus;
  const consumers: Consumer[] = [];
  const topics = [uniqueName('together-a'), uniqueName('together-b')];
  const dlq = uniqueName('together-dlq');

  beforeAll(async () => {
    bus = createBus({ url, clientId: `together-test-${engine}`, logger: silentBusLogger });
    await bus.ensureTopics([...topics.map((topic) => ({ topic, partitions: 3 })), { topic: dlq, partitions: 1 }]);
  });

  afterAll(async () => {
    for (const consumer of consumers) await consumer.stop();
    await bus.deleteTopics([...topics, dlq]);
    await bus.close();
  });

  const values = (batches: RecordBatch[]) => batches.flatMap((batch) => batch.records.map((r) => r.value.toString()));
  const publishAll = async (prefix: string, count: number) => {
    for (const topic of topics)
      await bus.publish(
        topic,
        Array.from({ length: count }, (_, i) => ({ key: `user-${i}`, value: `${prefix}-${topic}-${i}` })),
      );
  };

  it('hands every partition a gathering read or fetch brought over in one call, and commits them', async () => {
    const group = uniqueName('g');
    const calls: RecordBatch[][] = [];
    const single: RecordBatch[] = [];
    const options = {
      group,
      topics,
      deadLetterTopic: dlq,
      maxBatchSize: 1_000,
      accumulate: { minBytes: 1_000_000, maxWaitMs: 300 },
      handler: async (batch: RecordBatch) => void single.push(batch),
      handleTogether: async (batches: RecordBatch[]) => void calls.push(batches),
    };
    consumers.push(await bus.consume(options));
    await publishAll('first', 30);
    await eventually(() => expect(values(calls.flat())).toHaveLength(60), { timeoutMs: 20_000 });
    expect(single).toEqual([]);
    // Six partitions (three of each topic), at most once each per call, records in publish order per partition.
    for (const batches of calls) expect(new Set(batches.map((b) => `${b.topic}/${b.partition}`)).size).toBe(batches.length);
    expect(Math.max(...calls.map((batches) => batches.length))).toBeGreaterThan(1);
    for (const topic of topics) {
      const seen = calls.flat().filter((b) => b.topic === topic);
      for (const partition of [0, 1, 2]) {
        const order = seen.filter((b) => b.partition === partition).flatMap((b) => b.records.map((r) => Number(r.value.toString().split('-').pop())));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    }

    // Committed: a new member of the group sees only what comes after.
    await consumers.pop()!.stop();
    const later: string[] = [];
    consumers.push(
      await bus.consume({
        ...options,
        handler: async (batch) => void later.push(...values([batch])),
        handleTogether: async (batches) => void later.push(...values(batches)),
      }),
    );
    await publishAll('second', 2);
    await eventually(() => expect(later).toHaveLength(4), { timeoutMs: 20_000 });
    expect(later.every((value) => value.startsWith('second-'))).toBe(true);
  });

  it('handles each partition on its own when the call fails, and dead-letters only the poison record', async () => {
    const group = uniqueName('g');
    const applied: string[] = [];
    let togetherCalls = 0;
    const poison = `bad-${topics[0]}-7`;
    consumers.push(
      await bus.consume({
        group,
        topics,
        deadLetterTopic: dlq,
        maxBatchSize: 1_000,
        maxAttempts: 1,
        accumulate: { minBytes: 1_000_000, maxWaitMs: 300 },
        handler: async (batch) => {
          if (batch.records.some((r) => r.value.toString() === poison)) throw new Error('poison');
          applied.push(...values([batch]));
        },
        handleTogether: async (batches) => {
          togetherCalls++;
          if (values(batches).includes(poison)) throw new Error('poison');
          applied.push(...values(batches));
        },
      }),
    );
    await publishAll('bad', 10);
    // The group reads the topics from their start: the first test's records come along and are applied as well.
    const bad = () => applied.filter((value) => value.startsWith('bad-'));
    await eventually(() => expect(bad()).toHaveLength(19), { timeoutMs: 20_000 });
    await sleep(500);
    expect(bad()).toHaveLength(19); // each once: the failed call applied nothing, and the fallback the rest
    expect(new Set(applied).size).toBe(applied.length);
    expect(applied).not.toContain(poison);
    expect(togetherCalls).toBeGreaterThan(0);
    const letters: Array<{ reason: string; origin: { topic: string } }> = [];
    consumers.push(
      await bus.consume({
        group: uniqueName('dlq-reader'),
        topics: [dlq],
        deadLetterTopic: dlq,
        handler: async (batch) => void letters.push(...batch.records.map((r) => JSON.parse(r.value.toString()))),
      }),
    );
    await eventually(() => expect(letters.map((l) => [l.origin.topic, l.reason])).toEqual([[topics[0], 'Error: poison']]), { timeoutMs: 20_000 });
  });
});
