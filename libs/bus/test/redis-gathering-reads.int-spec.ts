import { createBus, silentBusLogger, type Consumer, type MessageBus, type RecordBatch } from '@app/bus';
import { eventually, sleep, testEnv, uniqueName, watchRedisCommands, type RedisCommandWatch } from '@app/testing';

/**
 * A Redis Streams consumer that gathers records (`accumulate`) reads a trickle of publishes a few
 * times per wait, not once per publish, and a backlog a gathering at a time (docs/bus.md, "Gathering"):
 * seen from Redis, the XREADGROUP calls naming its group, counted with MONITOR, and the handler's calls.
 */
describe('a gathering Redis Streams consumer', () => {
  let bus: MessageBus;
  let consumer: Consumer | undefined;
  const topic = uniqueName('gathering');
  const backlog = uniqueName('gathering-backlog');
  const group = uniqueName('g');
  let watch: RedisCommandWatch | undefined;
  const reads: number[] = []; // when Redis ran an XREADGROUP of the group

  beforeAll(async () => {
    bus = createBus({ url: testEnv.redisUrl, clientId: 'gathering-test', logger: silentBusLogger });
    await bus.ensureTopics([
      { topic, partitions: 1 },
      { topic: `${topic}.dlq`, partitions: 1 },
      { topic: backlog, partitions: 4 },
    ]);
    watch = await watchRedisCommands(testEnv.redisUrl, ({ name, args }) => {
      if (name === 'xreadgroup' && args.includes(group)) reads.push(Date.now());
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    watch?.close();
    await bus.deleteTopics([topic, `${topic}.dlq`, backlog]);
    await bus.close();
  });

  it('reads 100 publishes spread over a second in a handful of reads, and hands them over whole and in order', async () => {
    const batches: number[][] = [];
    consumer = await bus.consume({
      group,
      topics: [topic],
      deadLetterTopic: `${topic}.dlq`,
      maxBatchSize: 10_000,
      accumulate: { minBytes: 10_000_000, maxWaitMs: 2_000 },
      handler: async (batch) => void batches.push(batch.records.map((r) => Number(JSON.parse(r.value.toString()).seq))),
    });
    await sleep(300); // the first blocking reads, before any record
    const started = Date.now();
    for (let seq = 0; seq < 100; seq++) {
      await bus.publish(topic, [{ key: 'k', value: JSON.stringify({ seq }) }]);
      await sleep(10);
    }
    await eventually(() => expect(batches.flat()).toHaveLength(100), { timeoutMs: 6_000 });
    expect(batches.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(batches.length).toBeLessThanOrEqual(2);
    // Gathering for up to 2 s with reads at most 250 ms apart: about ten. Reading at every publish: ~100.
    const whileGathering = reads.filter((at) => at >= started && at <= started + 2_000).length;
    expect(whileGathering).toBeGreaterThan(0);
    expect(whileGathering).toBeLessThanOrEqual(15);
  });

  it('hands a backlog over in gatherings of about minBytes, however much a read could bring', async () => {
    await consumer?.stop();
    const value = (seq: number) => JSON.stringify({ seq, padding: 'x'.repeat(1_000) });
    // 4,000 records of ~1 kB over four partitions, a few per publish call (a packed entry holds a call's records of a partition).
    for (let seq = 0; seq < 4_000; seq += 8)
      await bus.publish(
        backlog,
        Array.from({ length: 8 }, (_, i) => ({ key: `user-${seq + i}`, value: value(seq + i) })),
      );
    const minBytes = 200_000;
    const calls: number[] = [];
    const handled: number[] = [];
    const handle = async (batches: RecordBatch[]) => {
      const records = batches.flatMap((batch) => batch.records);
      calls.push(records.reduce((sum, record) => sum + record.value.length, 0));
      handled.push(...records.map((record) => Number(JSON.parse(record.value.toString()).seq)));
    };
    consumer = await bus.consume({
      group: uniqueName('g'),
      topics: [backlog],
      deadLetterTopic: `${topic}.dlq`,
      maxBatchSize: 100_000,
      accumulate: { minBytes, maxWaitMs: 2_000 },
      handler: (batch) => handle([batch]),
      handleTogether: handle,
    });
    await eventually(() => expect(handled).toHaveLength(4_000), { timeoutMs: 20_000 });
    expect(new Set(handled).size).toBe(4_000);
    // What a call holds is what the consumer holds twice (one call, the next gathering): about
    // minBytes, where a read sized by records alone brought the whole backlog (~4 MB) at once.
    expect(calls.length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...calls)).toBeLessThanOrEqual(1.5 * minBytes);
  });
});
