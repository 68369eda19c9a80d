import { createHash } from 'node:crypto';
import { TransientError, createBus, silentBusLogger, type Consumer, type MessageBus } from '@app/bus';
import type { DeadLetterEnvelope } from '@app/contracts';
import { collectTopic, eventually, testEnv, uniqueName } from '@app/testing';

/**
 * A publish the broker refuses because of the record (larger than message.max.bytes) fails for good,
 * so the consumer that made it isolates and dead-letters it; the producer that sent it, in the
 * service's thread or a thread of its own, is replaced, and the next publish through it goes out at once.
 */
describe.each([
  ["in the service's thread", 0],
  ['in a thread of its own', 1],
])('kafka: a record the broker refuses, the producer %s', (_placement, producerThreads) => {
  let bus: MessageBus;
  const topic = uniqueName('refused');

  beforeAll(async () => {
    bus = createBus({ url: `kafka://${testEnv.kafkaBrokers}`, clientId: 'refused-test', logger: silentBusLogger, producerThreads });
    await bus.ensureTopics([{ topic, partitions: 1 }]);
  });

  afterAll(async () => {
    await bus.deleteTopics([topic]);
    await bus.close();
  });

  it('fails that publish permanently, naming the topic, and the next publish succeeds', async () => {
    const refusal = await bus.publish(topic, [{ key: 'k', value: 'x'.repeat(2 * 1024 * 1024) }]).then(
      () => null,
      (error: Error) => error,
    );
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal).not.toBeInstanceOf(TransientError);
    expect(refusal?.message).toMatch(new RegExp(`^publishing to ${topic} failed: .*larger than the max message size`));

    const started = Date.now();
    await bus.publish(topic, [{ key: 'k', value: 'fits' }]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

/**
 * A poison record near the broker's limit: its dead letter, which embeds it, would be larger still
 * (escaping makes a control character six bytes), and a refused dead letter would hold its partition.
 */
describe('kafka: a poison record as large as the broker takes', () => {
  let bus: MessageBus;
  const topic = uniqueName('poison-large');
  const dlq = `${topic}.dlq`;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    bus = createBus({ url: `kafka://${testEnv.kafkaBrokers}`, clientId: 'poison-large-test', logger: silentBusLogger });
    await bus.ensureTopics([
      { topic, partitions: 1 },
      { topic: dlq, partitions: 1 },
    ]);
  });

  afterAll(async () => {
    await consumer?.stop();
    await bus.deleteTopics([topic, dlq]);
    await bus.close();
  });

  it('is dead-lettered with its start, size and hash, and the record behind it is handled', async () => {
    const poison = '\u0001'.repeat(900 * 1024);
    await bus.publish(topic, [
      { key: 'k', value: poison },
      { key: 'k', value: 'valid' },
    ]);
    const handled: string[] = [];
    consumer = await bus.consume({
      group: uniqueName('g'),
      topics: [topic],
      deadLetterTopic: dlq,
      handler: async (batch, context) => {
        for (const record of batch.records) {
          if (record.value.length > 1000) context.deadLetter(record, 'too large to be an event');
          else handled.push(record.value.toString());
        }
      },
    });
    const letters = await collectTopic(bus, dlq, dlq);
    await eventually(() => expect(handled).toEqual(['valid']));
    await eventually(() => expect(letters.records).toHaveLength(1));
    const [envelope] = letters.values() as DeadLetterEnvelope[];
    expect(envelope.reason).toBe('too large to be an event');
    expect(envelope.truncated).toEqual({
      payloadBytes: poison.length,
      payloadSha256: createHash('sha256').update(poison).digest('hex'),
      headersDropped: false,
    });
    expect(poison.startsWith(envelope.payload)).toBe(true);
    await letters.consumer.stop();
  });
});
