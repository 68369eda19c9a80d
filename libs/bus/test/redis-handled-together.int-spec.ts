import { createBus, silentBusLogger, type Consumer, type MessageBus, type RecordBatch } from '@app/bus';
import { eventually, testEnv, uniqueName } from '@app/testing';

/**
 * ConsumeOptions.handleTogether on Redis Streams, gathering under a backlog (both engines' cases:
 * handled-together.int-spec.ts): a batch in all per call, not a batch per partition.
 */
describe('a Redis Streams consumer that handles partitions together', () => {
  let bus: MessageBus;
  const consumers: Consumer[] = [];
  const dlq = uniqueName('together-dlq');

  beforeAll(async () => {
    bus = createBus({ url: testEnv.redisUrl, clientId: 'together-test', logger: silentBusLogger });
    await bus.ensureTopics([{ topic: dlq, partitions: 1 }]);
  });

  afterAll(async () => {
    for (const consumer of consumers) await consumer.stop();
    await bus.deleteTopics([dlq]);
    await bus.close();
  });

  const values = (batches: RecordBatch[]) => batches.flatMap((batch) => batch.records.map((r) => r.value.toString()));

  it('reads a backlog a batch at a time in all, not a batch per partition, and hands each over in one call once gathered', async () => {
    const backlog = [uniqueName('backlog-a'), uniqueName('backlog-b')];
    await bus.ensureTopics(backlog.map((topic) => ({ topic, partitions: 3 })));
    // A publish call per record: an entry per record, so a read's size in records is known from the start.
    for (const topic of backlog) for (let i = 0; i < 600; i++) await bus.publish(topic, [{ key: `user-${i}`, value: `${topic}-${i}` }]);
    const calls: RecordBatch[][] = [];
    const single: RecordBatch[] = [];
    const started = Date.now();
    consumers.push(
      await bus.consume({
        group: uniqueName('g'),
        topics: backlog,
        deadLetterTopic: dlq,
        maxBatchSize: 120,
        // Bytes never decide here, and time only for the last records: a batch's records gathered hand a call over.
        accumulate: { minBytes: 1_000_000_000, maxWaitMs: 2_000 },
        handler: async (batch) => void single.push(batch),
        handleTogether: async (batches) => void calls.push(batches),
      }),
    );
    await eventually(() => expect(values(calls.flat())).toHaveLength(1_200), { timeoutMs: 15_000 });
    // Ten calls or more; waiting out maxWaitMs each would take 20 s, only the last few records wait for it.
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(single).toEqual([]);
    for (const batches of calls) expect(batches.reduce((sum, b) => sum + b.records.length, 0)).toBeLessThanOrEqual(120);
    expect(Math.min(...calls.map((batches) => batches.length))).toBeGreaterThan(1);
    await bus.deleteTopics(backlog);
  });
});
