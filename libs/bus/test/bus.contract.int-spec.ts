import {
  TransientError,
  createBus,
  partitionForKey,
  silentBusLogger,
  type BatchHandler,
  type BusRecord,
  type Consumer,
  type KafkaSettings,
  type MessageBus,
} from '@app/bus';
import { busUrlsUnderTest, eventually, securedKafkaUnderTest, sleep, startOwnedKafka, startOwnedRedis, uniqueName, type OwnedServer } from '@app/testing';

const PARTITIONS = 3;

const targets: Array<[string, string, KafkaSettings]> = [
  ...busUrlsUnderTest.map(([engine, url]): [string, string, KafkaSettings] => [engine, url, {}]),
  ...securedKafkaUnderTest,
];

/**
 * The same cases against every engine, and on Kafka over SASL_SSL (TLS and SCRAM) as managed clusters
 * require: this is what "the bus" promises the services.
 */
describe.each(targets)('message bus contract on %s', (target, url, kafka) => {
  const engine = target.startsWith('kafka') ? 'kafka' : 'redis';
  const secured = target !== engine;
  let bus: MessageBus;
  let topic: string;
  let dlq: string;
  const consumers: Consumer[] = [];

  const newBus = (busUrl = url, settings = kafka) => createBus({ url: busUrl, clientId: 'contract-test', logger: silentBusLogger, kafka: settings });
  const json = (r: BusRecord) => JSON.parse(r.value.toString()) as { key: string; seq: number };
  const publishSeq = (target: MessageBus, keys: string[], from: number, count: number) =>
    target.publish(
      topic,
      Array.from({ length: count }, (_, i) => {
        const key = keys[(from + i) % keys.length];
        return { key, value: JSON.stringify({ key, seq: from + i }) };
      }),
    );

  /** Starts a group member that appends every record it commits to `seen`. */
  async function collect(group: string, seen: BusRecord[], handler?: BatchHandler, target = bus): Promise<Consumer> {
    const consumer = await target.consume({
      group,
      topics: [topic],
      deadLetterTopic: dlq,
      maxBatchSize: 100,
      handler: handler ?? (async (batch) => void seen.push(...batch.records)),
    });
    consumers.push(consumer);
    return consumer;
  }

  beforeEach(async () => {
    bus = newBus();
    topic = uniqueName(`contract-${engine}`);
    dlq = `${topic}.dlq`;
    await bus.ensureTopics([
      { topic, partitions: PARTITIONS },
      { topic: dlq, partitions: 1 },
    ]);
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop().catch(() => undefined)));
    await bus.deleteTopics([topic, dlq]);
    await bus.close();
  });

  it('keeps per-key order within a partition and places keys like the Java partitioner', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    for (let from = 0; from < 2000; from += 250) await publishSeq(bus, keys, from, 250);
    const seen: BusRecord[] = [];
    await collect(uniqueName('g'), seen);
    await eventually(() => expect(seen).toHaveLength(2000));
    const lastSeqByKey = new Map<string, number>();
    for (const record of seen) {
      const { key, seq } = json(record);
      expect(record.partition).toBe(partitionForKey(key, PARTITIONS));
      expect(seq).toBeGreaterThan(lastSeqByKey.get(key) ?? -1);
      lastSeqByKey.set(key, seq);
    }
  });

  it('resumes from the last commit after a restart', async () => {
    const group = uniqueName('g');
    await publishSeq(bus, ['a', 'b', 'c'], 0, 100);
    const first: BusRecord[] = [];
    const consumer = await collect(group, first);
    await eventually(() => expect(first).toHaveLength(100));
    await consumer.stop();

    await publishSeq(bus, ['a', 'b', 'c'], 100, 50);
    const second: BusRecord[] = [];
    await collect(group, second);
    await eventually(() => expect(second).toHaveLength(50));
    await sleep(300);
    expect(second.map((r) => json(r).seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
  });

  it('marks each partition newly assigned until its first batch succeeds after a start', async () => {
    const group = uniqueName('g');
    const keys = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    const marks: Array<{ partition: number; newlyAssigned: boolean }> = [];
    let failedOnce = false;
    const handler: BatchHandler = async (batch) => {
      marks.push({ partition: batch.partition, newlyAssigned: batch.newlyAssigned });
      if (batch.partition === 0 && !failedOnce) {
        failedOnce = true;
        throw new Error('first attempt fails'); // a retried first batch is still the first to succeed
      }
    };
    const flags = (partition: number) => marks.filter((m) => m.partition === partition).map((m) => m.newlyAssigned);
    await publishSeq(bus, keys, 0, 200);
    const consumer = await collect(group, [], handler);
    await eventually(() => expect(new Set(marks.map((m) => m.partition)).size).toBe(PARTITIONS));
    await publishSeq(bus, keys, 200, 200);
    await eventually(() => {
      for (let p = 0; p < PARTITIONS; p++) expect(flags(p)).toContain(false);
    });
    await consumer.stop();
    expect(flags(0).slice(0, 2)).toEqual([true, true]);
    for (let p = 0; p < PARTITIONS; p++) {
      const succeeded = p === 0 ? flags(p).slice(1) : flags(p);
      expect(succeeded[0]).toBe(true);
      expect(succeeded.slice(1).every((flag) => !flag)).toBe(true);
    }

    marks.length = 0;
    await publishSeq(bus, keys, 400, 100);
    await collect(group, [], handler);
    await eventually(() => expect(new Set(marks.map((m) => m.partition)).size).toBe(PARTITIONS));
    for (let p = 0; p < PARTITIONS; p++) expect(flags(p)[0]).toBe(true);
  });

  it('redelivers the batch when the handler throws mid-batch, losing nothing', async () => {
    await publishSeq(bus, ['k'], 0, 20);
    const committed: number[] = [];
    let thrown = 0;
    await collect(uniqueName('g'), [], async (batch) => {
      const seqs = batch.records.map((r) => json(r).seq);
      if (seqs.includes(7) && thrown++ === 0) throw new Error('downstream hiccup');
      committed.push(...seqs);
    });
    await eventually(() => expect(new Set(committed).size).toBe(20));
    expect(thrown).toBeGreaterThan(0);
    expect([...new Set(committed)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('dead-letters a poison record with its reason and origin and keeps its partition moving', async () => {
    await publishSeq(bus, ['same-key'], 0, 10);
    await bus.publish(topic, [{ key: 'same-key', value: 'not json at all' }]);
    await publishSeq(bus, ['same-key'], 10, 10);
    const processed: number[] = [];
    await collect(uniqueName('g'), [], async (batch) => {
      const seqs = batch.records.map((r) => json(r).seq); // throws on the poison record
      processed.push(...seqs);
    });
    await eventually(() => expect(new Set(processed).size).toBe(20));

    const letters: BusRecord[] = [];
    const dlqConsumer = await bus.consume({
      group: uniqueName('dlq-reader'),
      topics: [dlq],
      deadLetterTopic: dlq,
      handler: async (b) => void letters.push(...b.records),
    });
    consumers.push(dlqConsumer);
    await eventually(() => expect(letters).toHaveLength(1));
    const envelope = JSON.parse(letters[0].value.toString());
    expect(envelope).toMatchObject({
      reason: expect.stringContaining('SyntaxError'),
      payload: 'not json at all',
      payloadEncoding: 'utf8',
      origin: { topic, partition: partitionForKey('same-key', PARTITIONS), key: 'same-key' },
    });
    expect(letters[0].headers['dead-letter-origin']).toBe(`${topic}/${envelope.origin.partition}/${envelope.origin.offset}`);
  });

  it('rewinds a stopped group to a timestamp and re-delivers from there', async () => {
    const group = uniqueName('g');
    await publishSeq(bus, ['a', 'b', 'c', 'd'], 0, 40);
    await sleep(50);
    const rewindPoint = new Date();
    await sleep(50);
    await publishSeq(bus, ['a', 'b', 'c', 'd'], 40, 20);
    const seen: BusRecord[] = [];
    const consumer = await collect(group, seen);
    await eventually(() => expect(seen).toHaveLength(60));
    await consumer.stop();

    expect(await bus.groupTopics(group)).toEqual([topic]);
    const dryRun = await bus.rewind(group, topic, rewindPoint, { dryRun: true });
    const plan = await bus.rewind(group, topic, rewindPoint);
    expect(dryRun).toEqual(plan);
    expect(plan).toHaveLength(PARTITIONS);
    expect(plan.reduce((sum, p) => sum + p.rereadCount, 0)).toBe(20);

    const again: BusRecord[] = [];
    await collect(group, again);
    await eventually(() => expect(again).toHaveLength(20));
    await sleep(300);
    expect(again.map((r) => json(r).seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
  });

  it('refuses to rewind a group that is running', async () => {
    const group = uniqueName('g');
    await publishSeq(bus, ['a'], 0, 5);
    const seen: BusRecord[] = [];
    await collect(group, seen);
    await eventually(() => expect(seen).toHaveLength(5));
    await expect(bus.rewind(group, topic, new Date(0))).rejects.toThrow(/stop or pause its service/);
  });

  it('graceful shutdown finishes the batch in hand and commits it', async () => {
    const group = uniqueName('g');
    await publishSeq(bus, ['k'], 0, 30);
    const finished: number[] = [];
    let started!: () => void;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    const consumer = await collect(group, [], async (batch) => {
      started();
      await sleep(500);
      finished.push(...batch.records.map((r) => json(r).seq));
    });
    await inHandler;
    await consumer.stop();
    expect(finished.length).toBeGreaterThan(0);

    const afterRestart: number[] = [];
    await collect(group, [], async (batch) => void afterRestart.push(...batch.records.map((r) => json(r).seq)));
    await eventually(() => expect(finished.length + afterRestart.length).toBe(30));
    await sleep(300);
    expect([...finished, ...afterRestart].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('a batch abandoned at stop holds back the records after it: after a restart they come in order, one batch at a time', async () => {
    // The Redis consumer reads the next batch while the handler works; that read-ahead must not be
    // handed over at stop when the batch before it was abandoned, or the partition would go out of order.
    const group = uniqueName('g');
    await publishSeq(bus, ['k'], 0, 300);
    const handled: number[] = [];
    let failedOnce!: () => void;
    const failing = new Promise<void>((resolve) => (failedOnce = resolve));
    const consumer = await collect(group, [], async (batch) => {
      const seqs = batch.records.map((r) => json(r).seq);
      if (seqs[0] === 0) {
        failedOnce();
        throw new TransientError('a store is down: the first batch is retried until the consumer stops');
      }
      handled.push(...seqs);
    });
    await failing;
    await sleep(300); // the next batch is read meanwhile
    await consumer.stop();
    expect(handled).toEqual([]);

    let active = 0;
    let overlapped = false;
    await collect(group, [], async (batch) => {
      overlapped ||= ++active > 1;
      await sleep(20);
      handled.push(...batch.records.map((r) => json(r).seq));
      active--;
    });
    await eventually(() => expect(handled).toHaveLength(300));
    expect(handled).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(overlapped).toBe(false);
  });

  it('with concurrentPartitions, works on several partitions at once and on each one batch at a time, in order', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    await publishSeq(bus, keys, 0, 600);
    const seen: BusRecord[] = [];
    const inHand = new Set<number>();
    let mostAtOnce = 0;
    let samePartitionTwice = false;
    const consumer = await bus.consume({
      group: uniqueName('g'),
      topics: [topic],
      deadLetterTopic: dlq,
      maxBatchSize: 50,
      concurrentPartitions: PARTITIONS,
      handler: async (batch) => {
        samePartitionTwice ||= inHand.has(batch.partition);
        inHand.add(batch.partition);
        mostAtOnce = Math.max(mostAtOnce, inHand.size);
        await sleep(20);
        seen.push(...batch.records);
        inHand.delete(batch.partition);
      },
    });
    consumers.push(consumer);
    await eventually(() => expect(seen).toHaveLength(600));
    expect(samePartitionTwice).toBe(false);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(PARTITIONS);
    const lastSeqByKey = new Map<string, number>();
    for (const record of seen) {
      const { key, seq } = json(record);
      expect(seq).toBeGreaterThan(lastSeqByKey.get(key) ?? -1);
      lastSeqByKey.set(key, seq);
    }
  });

  describe('accumulating (fetch.min.bytes / fetch.max.wait.ms)', () => {
    const accumulating = async (group: string, accumulate: { minBytes: number; maxWaitMs: number }, batches: BusRecord[][]) => {
      const consumer = await bus.consume({
        group,
        topics: [topic],
        deadLetterTopic: dlq,
        maxBatchSize: 100_000,
        accumulate,
        handler: async (batch) => void batches.push(batch.records),
      });
      consumers.push(consumer);
      return consumer;
    };

    it('holds records until maxWaitMs has passed, then hands a partition over as one batch', async () => {
      await publishSeq(bus, ['k'], 0, 10);
      const batches: BusRecord[][] = [];
      await accumulating(uniqueName('g'), { minBytes: 10_000_000, maxWaitMs: 2_000 }, batches);
      await publishSeq(bus, ['k'], 10, 10);
      await eventually(() => expect(batches.flat()).toHaveLength(20));
      await sleep(300);
      expect(batches).toHaveLength(1);
      expect(batches[0].map((r) => json(r).seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('hands over as soon as minBytes have gathered, before maxWaitMs', async () => {
      const batches: BusRecord[][] = [];
      // Kafka's stop waits out a fetch in flight, so the wait is kept short enough for the test's cleanup.
      await accumulating(uniqueName('g'), { minBytes: 2_000, maxWaitMs: 8_000 }, batches);
      await sleep(engine === 'kafka' ? 4_000 : 200); // let the member join before the clock starts
      const started = Date.now();
      await publishSeq(bus, ['k'], 0, 200); // ~4 kB of values
      await eventually(() => expect(batches.flat()).toHaveLength(200), { timeoutMs: 8_000 });
      expect(Date.now() - started).toBeLessThan(6_000);
    });

    it('loses nothing when stopped while gathering', async () => {
      const group = uniqueName('g');
      await publishSeq(bus, ['a', 'b', 'c'], 0, 30);
      const before: BusRecord[][] = [];
      const consumer = await accumulating(group, { minBytes: 10_000_000, maxWaitMs: 5_000 }, before);
      await sleep(1_000);
      await consumer.stop();
      const after: BusRecord[] = [];
      await collect(group, after);
      await eventually(() => expect(before.flat().length + after.length).toBe(30));
      await sleep(300);
      expect([...before.flat(), ...after].map((r) => json(r).seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    });
  });

  it('refuses to publish to a topic that does not exist, at once and saying so', async () => {
    const started = Date.now();
    await expect(bus.publish(uniqueName('missing'), [{ key: 'k', value: 'v' }])).rejects.toThrow(/unknown topic .*ensureTopics/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('deletes a topic with its records', async () => {
    await publishSeq(bus, ['a'], 0, 3);
    await bus.deleteTopics([topic]);
    await eventually(async () => expect(await bus.groupTopics('nobody')).toEqual([]));
    await bus.ensureTopics([{ topic, partitions: PARTITIONS }]);
    const seen: BusRecord[] = [];
    await collect(uniqueName('g'), seen);
    await publishSeq(bus, ['a'], 100, 1);
    await eventually(() => expect(seen.map((r) => json(r).seq)).toEqual([100]));
  });

  /** Runs `body` against a broker of the test's own, which it may kill and restart. */
  async function withOwnBroker(body: (producer: MessageBus, server: OwnedServer) => Promise<void>): Promise<void> {
    const server = engine === 'kafka' ? await startOwnedKafka({ saslSsl: secured }) : { ...(await startOwnedRedis()), kafka: {} };
    const producer = newBus(engine === 'kafka' && !secured ? `kafka://${server.url}` : server.url, server.kafka);
    try {
      await producer.ensureTopics([
        { topic, partitions: PARTITIONS },
        { topic: dlq, partitions: 1 },
      ]);
      await body(producer, server);
    } finally {
      await Promise.all(consumers.splice(0).map((c) => c.stop().catch(() => undefined)));
      await producer.close().catch(() => undefined);
      await server.dispose();
    }
  }

  it(
    'a consumer reads through a broker kill -9 without losing a record',
    () =>
      withOwnBroker(async (producer, server) => {
        const seen: BusRecord[] = [];
        await collect(uniqueName('g'), seen, undefined, producer);
        const total = 4000;
        let restarted: Promise<void> = Promise.resolve();
        for (let from = 0; from < total; from += 20) {
          await publishSeq(producer, ['a', 'b', 'c', 'd', 'e'], from, 20);
          if (from === 1000) {
            await server.kill();
            // Awaited below (and handled at once): a restart that fails fails this test, not whichever
            // runs next in the worker.
            restarted = sleep(500).then(() => server.start());
            restarted.catch(() => undefined);
          }
          await sleep(1);
        }
        await restarted;
        // On Redis, well within the 30 s after which pending entries are taken over: nothing may wait for that.
        await eventually(() => expect(new Set(seen.map((r) => json(r).seq)).size).toBe(total), { timeoutMs: engine === 'redis' ? 20_000 : 60_000 });
        // Each record first reaches the handler in its key's order: consumers that skip by position rely on it.
        const firstSeen = new Set<number>();
        const lastFirstByKey = new Map<string, number>();
        const outOfOrder: string[] = [];
        for (const { key, seq } of seen.map(json)) {
          if (firstSeen.has(seq)) continue;
          firstSeen.add(seq);
          if ((lastFirstByKey.get(key) ?? -1) > seq) outOfOrder.push(`${key}: ${seq} after ${lastFirstByKey.get(key)}`);
          lastFirstByKey.set(key, seq);
        }
        expect(outOfOrder).toEqual([]);
      }),
    180_000,
  );

  // Over SASL_SSL the consumer's case above proves reconnecting and authenticating again; the
  // producer's idempotence across a restart is the same protocol on either listener.
  if (!secured)
    it(
      'producer retries through a broker restart without loss or duplicates in the log',
      () =>
        withOwnBroker(async (producer, server) => {
          const total = 3000;
          const sends: Promise<void>[] = [];
          let restarted: Promise<void> = Promise.resolve();
          for (let from = 0; from < total; from += 50) {
            sends.push(publishSeq(producer, ['a', 'b', 'c', 'd', 'e'], from, 50));
            if (from === 1000) {
              await server.kill();
              restarted = sleep(1_000).then(() => server.start());
              restarted.catch(() => undefined);
            }
            await sleep(5);
          }
          await restarted;
          await Promise.all(sends);

          const seen: BusRecord[] = [];
          await collect(uniqueName('g'), seen, undefined, producer);
          await eventually(() => expect(seen.length).toBeGreaterThanOrEqual(total), { timeoutMs: 60_000 });
          await sleep(500);
          const seqs = seen.map((r) => json(r).seq).sort((x, y) => x - y);
          expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i));
        }),
      180_000,
    );
});
