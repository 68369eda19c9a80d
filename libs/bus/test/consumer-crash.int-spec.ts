import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createBus, silentBusLogger, type BusRecord, type Consumer, type MessageBus } from '@app/bus';
import { busUrlsUnderTest, eventually, uniqueName } from '@app/testing';

const root = resolve(__dirname, '../../..');

describe.each(busUrlsUnderTest)('a consumer killed mid-batch on %s', (engine, url) => {
  let bus: MessageBus;
  let topic: string;
  let consumer: Consumer | undefined;

  beforeEach(async () => {
    bus = createBus({ url, clientId: 'crash-test', logger: silentBusLogger });
    topic = uniqueName('crash');
    await bus.ensureTopics([
      { topic, partitions: 1 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
  });

  afterEach(async () => {
    await consumer?.stop();
    await bus.deleteTopics([topic, `${topic}.dlq`]);
    await bus.close();
  });

  it('leaves its batch uncommitted, and the next member of the group receives it', async () => {
    const group = uniqueName('g');
    await bus.publish(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ key: 'k', value: String(i) })),
    );

    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'libs/bus/test/fixtures/stalling-consumer.ts', url, group, topic],
      { cwd: root },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    const exited = new Promise((r) => child.once('exit', r));
    await eventually(() => expect(output).toContain('holding 10'), { timeoutMs: 60_000 });
    child.kill('SIGKILL');
    await exited;

    // Kafka hands the partition over once the dead member's session (30 s) expires; Redis at once,
    // because a member re-reads what is pending under its name (the host name) when it starts.
    const seen: BusRecord[] = [];
    consumer = await bus.consume({ group, topics: [topic], deadLetterTopic: `${topic}.dlq`, handler: async (b) => void seen.push(...b.records) });
    await eventually(() => expect(new Set(seen.map((r) => r.value.toString())).size).toBe(30), { timeoutMs: 90_000 });
    expect(seen.slice(0, 10).map((r) => Number(r.value.toString()))).toEqual(Array.from({ length: 10 }, (_, i) => i));
  }, 150_000);
});
