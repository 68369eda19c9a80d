import { createBus, silentBusLogger, type BusRecord, type Consumer, type MessageBus } from '@app/bus';
import { eventually, testEnv, uniqueName } from '@app/testing';

/**
 * Redis Streams' publishOnce: a record whose id the topic had within the window is dropped, whether it
 * comes again later, twice in one call, or at the same moment from another caller; the others go in as
 * publish puts them; and an id is forgotten after at most two windows.
 */
describe('redis streams: publishOnce', () => {
  let bus: MessageBus;
  let other: MessageBus;
  const consumers: Consumer[] = [];
  const topic = uniqueName('once');
  const dlq = `${topic}.dlq`;
  const WINDOW_MS = 60_000;
  const record = (id: string) => ({ id, key: `user-${id}`, value: JSON.stringify({ id }) });

  beforeAll(async () => {
    bus = createBus({ url: testEnv.redisUrl, clientId: 'once-test', logger: silentBusLogger });
    other = createBus({ url: testEnv.redisUrl, clientId: 'once-test-2', logger: silentBusLogger });
    await bus.ensureTopics([topic, dlq].map((t) => ({ topic: t, partitions: 3 })));
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await bus.deleteTopics([topic, dlq]);
    await Promise.all([bus.close(), other.close()]);
  });

  it('appends each id once within the window, however and by whom it is sent again', async () => {
    const publishOnce = (via: MessageBus, ids: string[], windowMs = WINDOW_MS) =>
      (via.publishOnce as NonNullable<MessageBus['publishOnce']>)(topic, ids.map(record), windowMs);
    expect(await publishOnce(bus, ['a', 'b', 'c'])).toEqual([true, true, true]);
    expect(await publishOnce(bus, ['c', 'd'])).toEqual([false, true]); // a copy among new ones: only the new go in
    expect(await publishOnce(bus, ['e', 'e'])).toEqual([true, false]);
    const [one, two] = await Promise.all([publishOnce(bus, ['f', 'g']), publishOnce(other, ['f', 'h'])]);
    expect([one[0], two[0]].filter(Boolean)).toHaveLength(1);
    expect([one[1], two[1]]).toEqual([true, true]);

    expect(await publishOnce(bus, ['i'], 100)).toEqual([true]);
    expect(await publishOnce(bus, ['i'], 100)).toEqual([false]);
    await new Promise((r) => setTimeout(r, 250)); // two windows of 100 ms: forgotten
    expect(await publishOnce(bus, ['i'], 100)).toEqual([true]);

    // More ids in one partition's call than Lua may unpack at once.
    const many = Array.from({ length: 2_500 }, (_, i) => ({ id: `m${i}`, key: 'one-user', value: '{}' }));
    expect((await bus.publishOnce?.(topic, many, WINDOW_MS))?.every(Boolean)).toBe(true);
    const again = await bus.publishOnce?.(topic, [...many, { id: 'm-new', key: 'one-user', value: '{}' }], WINDOW_MS);
    expect(again?.filter(Boolean)).toHaveLength(1);
    expect(again?.[2_500]).toBe(true);

    const seen: BusRecord[] = [];
    consumers.push(
      await bus.consume({
        group: uniqueName('g'),
        topics: [topic],
        deadLetterTopic: dlq,
        handler: async (batch) => void seen.push(...batch.records),
      }),
    );
    const ids = () =>
      seen
        .filter((r) => r.key !== 'one-user')
        .map((r) => (JSON.parse(r.value.toString()) as { id: string }).id)
        .sort();
    await eventually(() => expect(ids()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'i']));
    expect(seen.filter((r) => r.key === 'one-user')).toHaveLength(2_501);
    expect(seen.find((r) => r.key === 'user-a')).toBeDefined();
  });
});
