import { createBus, silentBusLogger, type BusRecord, type Consumer, type MessageBus } from '@app/bus';
import { eventually, sleep, startCuttingProxy, testEnv, uniqueName, type CuttingProxy } from '@app/testing';

/**
 * Redis puts entries into the group's pending list when it answers XREADGROUP '>'. If that answer is
 * lost with the connection, ioredis resends the same read after reconnecting and gets only later
 * entries. The consumer must notice, and re-read its pending entries in order before anything newer.
 */
describe('a Redis Streams consumer whose read reply is lost', () => {
  let bus: MessageBus;
  let consumerBus: MessageBus;
  let proxy: CuttingProxy;
  let consumer: Consumer | undefined;
  const topic = uniqueName('lost-reply');

  beforeAll(async () => {
    const url = new URL(testEnv.redisUrl);
    proxy = await startCuttingProxy({ host: url.hostname, port: Number(url.port || 6379) });
    bus = createBus({ url: testEnv.redisUrl, clientId: 'lost-reply-test', logger: silentBusLogger });
    consumerBus = createBus({ url: `redis://127.0.0.1:${proxy.port}${url.pathname}`, clientId: 'lost-reply-consumer', logger: silentBusLogger });
    await bus.ensureTopics([
      { topic, partitions: 1 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
  });

  afterAll(async () => {
    await consumer?.stop();
    await consumerBus.close();
    await bus.deleteTopics([topic, `${topic}.dlq`]);
    await bus.close();
    await proxy.close();
  });

  it('hands over every entry, in order, without waiting for the idle take-over', async () => {
    const seen: number[] = [];
    consumer = await consumerBus.consume({
      group: uniqueName('g'),
      topics: [topic],
      deadLetterTopic: `${topic}.dlq`,
      handler: async (batch) => void seen.push(...batch.records.map((r: BusRecord) => Number(JSON.parse(r.value.toString()).seq))),
    });
    const publish = (from: number, count: number) =>
      bus.publish(
        topic,
        Array.from({ length: count }, (_, i) => ({ key: 'k', value: JSON.stringify({ seq: from + i }) })),
      );
    await publish(0, 10);
    await eventually(() => expect(seen).toHaveLength(10));

    const lost = proxy.loseNextReply('"seq":10');
    await publish(10, 10); // read by the consumer, answer lost
    await lost;
    await sleep(200);
    await publish(20, 10); // what the resent '>' read returns

    // The idle take-over would recover the lost entries after 30 s, but after 20..29: too late and out of order.
    await eventually(() => expect(new Set(seen).size).toBe(30), { timeoutMs: 10_000 });
    const firsts = seen.filter((seq, i) => seen.indexOf(seq) === i);
    expect(firsts).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});
