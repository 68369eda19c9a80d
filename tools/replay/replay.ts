import { createBus, type RewindPartitionPlan } from '@app/bus';
import { REPLAY_USAGE, parseReplayArgs, type ReplayArgs } from './replay-args';

const stderrLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj: object, msg?: string) => process.stderr.write(`warn: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj: object, msg?: string) => process.stderr.write(`error: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

function printPlan(plans: RewindPartitionPlan[]): void {
  const rows = plans.map((p) => [p.topic, String(p.partition), p.fromOffset, String(p.rereadCount)]);
  const header = ['topic', 'partition', 'resumes at', 're-read'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
}

async function replay(args: ReplayArgs): Promise<void> {
  const bus = createBus({ url: args.busUrl, clientId: 'replay', logger: stderrLogger });
  try {
    const topics = args.topics.length > 0 ? args.topics : await bus.groupTopics(args.group);
    if (topics.length === 0) throw new Error(`consumer group "${args.group}" has consumed nothing on ${bus.engine}: check --group and the bus`);
    const plans: RewindPartitionPlan[] = [];
    for (const topic of topics) {
      console.error(`${args.dryRun ? 'planning' : 'rewinding'} ${args.group} on ${topic} to ${args.from.toISOString()} ...`);
      plans.push(...(await bus.rewind(args.group, topic, args.from, { dryRun: args.dryRun })));
    }
    printPlan(plans);
    const total = plans.reduce((sum, p) => sum + p.rereadCount, 0);
    console.log(`${args.dryRun ? 'would re-read' : 'will re-read'} ${total} records in ${plans.length} partitions when ${args.group} starts again`);
  } finally {
    await bus.close();
  }
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(REPLAY_USAGE);
} else {
  let args: ReplayArgs;
  try {
    args = parseReplayArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`replay: ${(error as Error).message}\n\n${REPLAY_USAGE}`);
    process.exit(2);
  }
  replay(args).catch((error) => {
    console.error(`replay: ${(error as Error).message}`);
    process.exit(1);
  });
}
