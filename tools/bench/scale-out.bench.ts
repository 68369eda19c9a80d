/**
 * `npm run bench:scale-out`: the suite beyond one instance, on Kafka with topics of 8 partitions.
 * 1. Scoring with 1 and with 2 instances (compiled processes, as the image runs them) draining the same
 *    backlog of enriched events, in turns, after a warm-up: events/s, and CPU µs per event of the
 *    instances together and of Redis. On two cores the stage is CPU-bound, so two instances cannot be
 *    faster; what carries to a cluster is CPU per event at each count (docs/deploy.md, "Sizing").
 * 2. The handover scenario of test/e2e/scale-out.int-spec.ts (scale-out-scenario.ts): events accepted and
 *    scored when an instance of each consumer joins and when one of each is killed, and how long each
 *    partition of `scores` went without a score after each.
 * Writes bench/results/scale-out.json and .md.
 */
import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { createBus, silentBusLogger } from '@app/bus';
import { topicNames, type EnrichedEvent } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { eventually, freePort, metricSum, sleep, startSuiteProcess, stopServiceProcess, testEnv, uniqueName } from '@app/testing';
import { enrichedSimulation } from '../simulate/enriched-simulation';
import { simulationOptions } from '../simulate/simulate';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { median } from './percentiles';
import { processCpuSeconds, redisCpuSeconds } from './process-usage';
import { PARTITIONS, ScaleOutScenario } from './scale-out-scenario';

const EVENTS = Number(arg('events', '150000'));
/** Drained before the timed part by every instance alike: the JIT's and caches' start-up cost is once per process, not per event. */
const WARM_UP_EVENTS = Number(arg('warm-up', '30000'));
const TURNS = Number(arg('turns', '3'));
const KAFKA_URL = `kafka://${testEnv.kafkaBrokers}`;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';

interface DrainRun {
  instances: number;
  eventsPerSecond: number;
  cpuMicrosPerEvent: { instances: number; redis: number };
}

/**
 * One drain: `instances` scoring processes on a fresh topic prefix, all in the group before anything is
 * published; the warm-up events first, then the timed backlog after them.
 */
async function drain(instances: number, warmUp: EnrichedEvent[], backlog: EnrichedEvent[], redis: Redis): Promise<DrainRun> {
  const prefix = `${uniqueName('scale-drain')}.`;
  const topics = topicNames(prefix);
  const bus = createBus({ url: KAFKA_URL, clientId: 'scale-out-bench', logger: silentBusLogger });
  await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: PARTITIONS })));
  const env = {
    LOG_LEVEL: 'fatal',
    API_KEYS: 'scale-out-bench-key-123',
    BUS_URL: KAFKA_URL,
    BUS_TOPIC_PREFIX: prefix,
    BUS_PARTITIONS: String(PARTITIONS),
    REDIS_URL,
    SCORING_STATE_PREFIX: uniqueName('scale-drain'),
  };
  const processes: Array<{ child: ChildProcess; port: number }> = [];
  try {
    for (let i = 0; i < instances; i++) {
      const port = await freePort();
      processes.push({ port, child: await startSuiteProcess('scoring', port, env, { compiled: true, prioritised: true }) });
    }
    await sleep(5_000); // the last member's join settles before the backlog arrives
    const consumed = async () =>
      (
        await Promise.all(processes.map(({ port }) => metricSum(`http://127.0.0.1:${port}`, 'bus_records_consumed_total', `topic="${topics.enriched}"`)))
      ).reduce((a, b) => a + b, 0);
    const cpu = () => processes.reduce((sum, { child }) => sum + (processCpuSeconds(child.pid as number) ?? Number.NaN), 0);
    const publish = async (events: EnrichedEvent[]) => {
      for (let i = 0; i < events.length; i += 5_000)
        await bus.publish(
          topics.enriched,
          events.slice(i, i + 5_000).map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
        );
    };
    const drained = (count: number) =>
      eventually(
        async () => {
          if ((await consumed()) < count) throw new Error('draining');
        },
        { timeoutMs: 600_000, intervalMs: 200 },
      );
    await publish(warmUp);
    await drained(warmUp.length);
    const [cpuBefore, redisBefore, started] = [cpu(), await redisCpuSeconds(redis), Date.now()];
    await publish(backlog);
    await drained(warmUp.length + backlog.length);
    const seconds = (Date.now() - started) / 1000;
    const perEvent = (from: number, to: number) => Math.round((((to - from) * 1e6) / backlog.length) * 10) / 10;
    return {
      instances,
      eventsPerSecond: Math.round(backlog.length / seconds),
      cpuMicrosPerEvent: { instances: perEvent(cpuBefore, cpu()), redis: perEvent(redisBefore, await redisCpuSeconds(redis)) },
    };
  } finally {
    await Promise.all(processes.map(({ child }) => stopServiceProcess(child)));
    await bus.deleteTopics(Object.values(topics)).catch(() => undefined);
    await bus.close();
  }
}

async function handovers() {
  const scenario = new ScaleOutScenario();
  try {
    await scenario.start();
    await scenario.drive({ rate: Number(arg('rate', '250')), warmS: 10, afterJoinS: 10, afterKillS: 40 });
    const expected = new Set(scenario.sent.filter((e) => e.type !== 'chargeback').map((e) => e.eventId as string));
    await eventually(
      () => {
        if (new Set(scenario.scoreValues().map((s) => s.eventId)).size < expected.size) throw new Error('scoring');
      },
      { timeoutMs: 300_000 },
    );
    scenario.measurePauses();
    return { sent: scenario.sent.length, scored: expected.size, handovers: scenario.handovers };
  } finally {
    await scenario.stop();
  }
}

async function main(): Promise<void> {
  const geo = await GeoLookup.open();
  const traffic: EnrichedEvent[] = [];
  for (const { event } of enrichedSimulation(simulationOptions({ customers: '5000', terminals: '10000', days: '70' }, geo), geo)) {
    traffic.push(event);
    if (traffic.length === WARM_UP_EVENTS + EVENTS) break;
  }
  const [warmUp, backlog] = [traffic.slice(0, WARM_UP_EVENTS), traffic.slice(WARM_UP_EVENTS)];
  const redis = new Redis(REDIS_URL);
  const runs: DrainRun[] = [];
  for (let turn = 0; turn < TURNS; turn++) {
    for (const instances of turn % 2 === 0 ? [1, 2] : [2, 1]) {
      const run = await drain(instances, warmUp, backlog, redis);
      console.error(
        `[scale-out] ${instances} instance(s): ${run.eventsPerSecond} events/s, ${run.cpuMicrosPerEvent.instances} + ${run.cpuMicrosPerEvent.redis} CPU µs per event`,
      );
      runs.push(run);
    }
  }
  redis.disconnect();
  const outcome = await handovers();

  const byCount = (n: number) => runs.filter((r) => r.instances === n);
  const summary = [1, 2].map((n) => ({
    instances: n,
    eventsPerSecond: median(byCount(n).map((r) => r.eventsPerSecond)),
    cpuMicrosPerEvent: {
      instances: median(byCount(n).map((r) => r.cpuMicrosPerEvent.instances)),
      redis: median(byCount(n).map((r) => r.cpuMicrosPerEvent.redis)),
    },
  }));
  const cpuRatio = summary[1].cpuMicrosPerEvent.instances / summary[0].cpuMicrosPerEvent.instances;
  const redisRatio = summary[1].cpuMicrosPerEvent.redis / summary[0].cpuMicrosPerEvent.redis;
  const report = {
    command: benchCommand('bench:scale-out'),
    machine: benchMachine(),
    at: new Date().toISOString(),
    partitions: PARTITIONS,
    events: EVENTS,
    warmUpEvents: WARM_UP_EVENTS,
    runs,
    summary,
    cpuPerEventRatio: { instances: cpuRatio, redis: redisRatio },
    scenario: outcome,
  };
  const ms = (values: number[]) => values.map((v) => (v / 1000).toFixed(1)).join(', ');
  const markdown = [
    '# Scale-out benchmark',
    '',
    `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.at}. Kafka, topics of ${PARTITIONS} partitions; Redis, the broker and every process share the machine.`,
    '',
    `## Scoring with 1 and 2 instances, draining ${EVENTS.toLocaleString('en')} enriched events (${TURNS} turns, medians)`,
    '',
    '| instances | events/s | CPU µs per event: the instances, Redis | runs (events/s) |',
    '|---:|---:|---|---|',
    ...summary.map(
      (s) =>
        `| ${s.instances} | ${s.eventsPerSecond.toLocaleString('en')} | ${s.cpuMicrosPerEvent.instances}, ${s.cpuMicrosPerEvent.redis} | ${byCount(s.instances)
          .map((r) => r.eventsPerSecond)
          .join(', ')} |`,
    ),
    '',
    `CPU per event with 2 instances over 1: ${cpuRatio.toFixed(2)}× (the instances), ${redisRatio.toFixed(2)}× (Redis). Each instance drained ${WARM_UP_EVENTS.toLocaleString('en')} events before the timed part. On two cores both counts share the same CPU with the broker and Redis, so events/s cannot grow here; CPU per event is what carries to a cluster, where each pod has cores of its own (docs/deploy.md, "Sizing").`,
    '',
    `## Handovers under traffic (${outcome.sent.toLocaleString('en')} events sent at ${arg('rate', '250')}/s, ${outcome.scored.toLocaleString('en')} scored in the end)`,
    '',
    'Two instances each of scoring, profile-api and alerts and two lake sinks; then a third of each scaled service joins; then one of each, and a lake sink, is killed with SIGKILL and not restarted.',
    '',
    '| handover | events accepted when it struck | events scored then | longest wait for a score after it, per partition (s) |',
    '|---|---:|---:|---|',
    ...outcome.handovers.map(
      (h) =>
        `| ${h.name === 'join' ? 'an instance of each joins' : 'kill -9 of one of each'} | ${h.sent.toLocaleString('en')} | ${h.scored.toLocaleString('en')} | ${ms(h.longestGapMsByPartition)} |`,
    ),
    '',
    "A join pauses the group for one rebalance; a killed member's partitions wait for its Kafka session (30 s) before they move, the others keep going. `test/e2e/scale-out.int-spec.ts` checks, on the same scenario, that nothing was lost or counted twice.",
    '',
  ].join('\n');
  writeBenchReport('scale-out', report, markdown);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
