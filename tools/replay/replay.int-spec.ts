import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createBus, silentBusLogger, type BusRecord, type MessageBus } from '@app/bus';
import { busUrlsUnderTest, eventually, sleep, uniqueName } from '@app/testing';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const replayCli = (args: string[], busUrl: string) =>
  run(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'tools/replay/replay.ts', ...args], {
    cwd: root,
    env: { ...process.env, BUS_URL: busUrl },
  });

describe.each(busUrlsUnderTest)('npm run replay on %s', (_engine, url) => {
  let bus: MessageBus;
  beforeEach(() => (bus = createBus({ url, clientId: 'replay-test', logger: silentBusLogger })));
  afterEach(() => bus.close());

  it('plans with --dry-run, then rewinds the group and says how many records it will re-read', async () => {
    const topic = uniqueName('replay');
    const group = uniqueName('service');
    await bus.ensureTopics([
      { topic, partitions: 2 },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    await bus.publish(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ key: `u${i % 7}`, value: String(i) })),
    );
    await sleep(50);
    const from = new Date();
    await sleep(50);
    await bus.publish(
      topic,
      Array.from({ length: 12 }, (_, i) => ({ key: `u${i % 7}`, value: String(30 + i) })),
    );

    const seen: BusRecord[] = [];
    const consumer = await bus.consume({ group, topics: [topic], deadLetterTopic: `${topic}.dlq`, handler: async (b) => void seen.push(...b.records) });
    await eventually(() => expect(seen).toHaveLength(42));
    await consumer.stop();

    const dry = await replayCli(['--group', group, '--from', from.toISOString(), '--dry-run'], url);
    expect(dry.stdout).toContain('would re-read 12 records in 2 partitions');
    const real = await replayCli(['--group', group, '--from', from.toISOString()], url);
    expect(real.stdout).toMatch(new RegExp(`^${topic.replace(/[.]/g, '\\.')}\\s+0\\s+`, 'm'));
    expect(real.stdout).toContain(`will re-read 12 records in 2 partitions when ${group} starts again`);

    const again: BusRecord[] = [];
    const second = await bus.consume({ group, topics: [topic], deadLetterTopic: `${topic}.dlq`, handler: async (b) => void again.push(...b.records) });
    await eventually(() => expect(again).toHaveLength(12));
    await second.stop();
    expect(again.map((r) => Number(r.value.toString())).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => 30 + i));
  });

  it('explains what is wrong with the arguments and exits 2', async () => {
    await expect(replayCli(['--group', 'g', '--from', 'last tuesday'], url)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--from must be an ISO-8601 time'),
    });
  });
});
