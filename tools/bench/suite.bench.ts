/**
 * `npm run bench`: the whole suite on this machine, as users run it (the four services built by
 * `npm run build`, as the processes of SUITE_PROCESSES on Redis Streams, Postgres, the trained model),
 * fed by the simulator over HTTP (one run: suite-run.ts). `--bus kafka` runs it on the local Kafka broker
 * (started by scripts/infra.sh when it is not running), Redis then holding scoring's state only.
 * 1. Latency: 2,000 events/s for 30 s after a 10 s warm-up; for every alert (a rule adds alerts on
 *    payments of 100 or more, for enough samples), the time from ingest's 202 for its event to the
 *    webhook reaching a local receiver. Each service's resident memory is sampled meanwhile.
 * 2. Throughput: a burst of simulated events sent as fast as ingest takes them; events/s from the
 *    first request to the moment every stage (lake, scoring, profiles) has processed them all, and the
 *    CPU each process spent per event. Realistic traffic: the shipped model and default rules alone
 *    (the latency phase's rule is removed), so alerts are as rare as in a business's stream;
 *    `--burst-alerts rule` keeps the rule, for the alert-heavy burst (alerts alone: `npm run bench:alerts`).
 * `--profile DIR`: every service writes its V8 CPU profile (node --cpu-prof) to DIR/<name> as it stops;
 * the profiler's own cost inflates every figure of such a run, so it is for finding where time goes.
 * `--against REF` builds REF in a git worktree and runs both suites in alternation, each first in every
 * other round (A B B A A B ..., `--rounds` pairs, 2 by default) on the same traffic; the report adds the ratios of this
 * checkout's medians to REF's, with their spread over the rounds.
 * The benchmark owns Redis database 14 (BENCH_REDIS_URL): it is emptied before and after, so runs do
 * not pile up streams and state.
 * Writes bench/results/suite.json, suite.md and suite-latency.svg (the latency distribution); on Kafka,
 * suite-kafka.json, .md and suite-kafka-latency.svg.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GeoLookup } from '@app/enrichment';
import { startSuiteProcess } from '@app/testing';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { median, percentiles } from './percentiles';
import { abRatio, prepareAgainst } from './suite-against';
import { runSuite, type StartSuiteProcess, type SuiteRun, type SuiteRunOptions } from './suite-run';

const RATE = Number(arg('rate', '2000'));
const SECONDS = Number(arg('seconds', '30'));
const BURST = Number(arg('burst', '200000'));
const WARM_UP_SECONDS = Number(arg('warm-up', '10'));
const BURST_ALERTS = arg('burst-alerts', 'model');
if (BURST_ALERTS !== 'model' && BURST_ALERTS !== 'rule')
  throw new Error('--burst-alerts is model (the shipped model and default rules) or rule (also alert on every payment of 100 or more)');
const AGAINST = arg('against', '');
const ROUNDS = Number(arg('rounds', '2'));
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const BUS = arg('bus', 'redis');
const PROFILE_DIR = arg('profile', '');
if (BUS !== 'redis' && BUS !== 'kafka') throw new Error('--bus is redis (Redis Streams) or kafka');
const BUS_URL = BUS === 'kafka' ? (process.env.BENCH_KAFKA_URL ?? 'kafka://127.0.0.1:9092') : REDIS_URL;
const BUS_NAME = BUS === 'kafka' ? 'Kafka' : 'Redis Streams';

async function main(): Promise<void> {
  // The broker from the project's own scripts (started once, left running like `npm run kafka:start`).
  if (BUS === 'kafka' && !process.env.BENCH_KAFKA_URL)
    execFileSync('bash', [resolve(__dirname, '../../scripts/infra.sh'), 'up', '--kafka'], { stdio: 'inherit' });
  const against = AGAINST ? prepareAgainst(AGAINST) : null;
  const options: Omit<SuiteRunOptions, 'start'> = {
    geo: await GeoLookup.open(),
    busUrl: BUS_URL,
    redisUrl: REDIS_URL,
    rate: RATE,
    seconds: SECONDS,
    warmUpSeconds: WARM_UP_SECONDS,
    burst: BURST,
    burstAlerts: BURST_ALERTS as 'model' | 'rule',
    ...(PROFILE_DIR ? { profileDir: resolve(PROFILE_DIR) } : {}),
  };
  const these: SuiteRun[] = [];
  const theirs: SuiteRun[] = [];
  for (let round = 1; round <= (against ? ROUNDS : 1); round++) {
    const sides = [async () => these.push(await runSide('this checkout', startSuiteProcess as StartSuiteProcess, round, options))];
    if (against) sides.push(async () => theirs.push(await runSide(against.commit.slice(0, 12), against.start, round, options)));
    // Each side first in every other round: a sitting can favour a round's second run by as much as a
    // change moves (bench/results/suite-history.md, 2026-12-06 20:00), and then favours both sides alike.
    for (const run of round % 2 === 1 ? sides : sides.reverse()) await run();
  }
  // The run reported in full: this checkout's median by CPU per event (its only run without --against).
  const totalCpu = (r: SuiteRun) => r.throughput.cpuMicrosPerEvent?.byProcess.total ?? 0;
  const shown = these.find((r) => totalCpu(r) === median(these.map(totalCpu))) ?? these[Math.floor(these.length / 2)];
  const comparison = against ? compare(against.commit, these, theirs) : null;
  if (comparison) console.error(`[bench] against ${against?.commit.slice(0, 12)}: ${JSON.stringify(comparison)}`);
  const name = BUS === 'kafka' ? 'suite-kafka' : 'suite';
  await writeFile(resolve(__dirname, `../../bench/results/${name}-latency.svg`), latencySvg(shown.latency.samples));
  const report = {
    command: benchCommand('bench'),
    machine: benchMachine(),
    at: new Date().toISOString(),
    bus: BUS_NAME,
    latency: {
      rate: RATE,
      seconds: SECONDS,
      alerts: shown.latency.alerts,
      ms: shown.latency.ms,
      stages: { acceptedToRaisedMs: shown.latency.acceptedToRaisedMs, raisedToReceivedMs: shown.latency.raisedToReceivedMs },
    },
    throughput: { ...shown.throughput, alerts: BURST_ALERTS },
    rssMb: shown.rssMb,
    storage: shown.storage,
    ...(comparison ? { against: comparison } : {}),
  };
  writeBenchReport(
    name,
    report,
    [
      ...suiteMarkdown(report.command, report.machine, report.at, shown),
      ...(comparison ? againstMarkdown(comparison) : []),
      `![latency](${name}-latency.svg)`,
      '',
    ].join('\n'),
  );
  process.exit(0);
}

async function runSide(label: string, start: StartSuiteProcess, round: number, options: Omit<SuiteRunOptions, 'start'>): Promise<SuiteRun> {
  console.error(`[bench] round ${round}: ${label}`);
  return runSuite({ ...options, start });
}

/** This checkout's runs against the ref's: ratios of medians (below 1: this checkout spends less, or waits less). */
function compare(commit: string, these: SuiteRun[], theirs: SuiteRun[]) {
  const cpu = (runs: SuiteRun[], process: string) => runs.map((r) => r.throughput.cpuMicrosPerEvent?.byProcess[process] ?? Number.NaN);
  const processes = Object.keys(these[0].throughput.cpuMicrosPerEvent?.byProcess ?? {});
  const burstRss = (runs: SuiteRun[], name: string) => runs.map((r) => r.rssMb[name]?.burstMax ?? Number.NaN);
  return {
    ref: AGAINST,
    commit,
    rounds: these.length,
    cpuMicrosPerEventRatio: abRatio(cpu(these, 'total'), cpu(theirs, 'total')),
    cpuMicrosPerEventRatioByProcess: Object.fromEntries(processes.filter((p) => p !== 'total').map((p) => [p, abRatio(cpu(these, p), cpu(theirs, p))])),
    throughputRatio: abRatio(
      these.map((r) => r.throughput.allStagesPerSecond),
      theirs.map((r) => r.throughput.allStagesPerSecond),
    ),
    latencyP99Ratio: abRatio(
      these.map((r) => r.latency.ms.p99),
      theirs.map((r) => r.latency.ms.p99),
    ),
    burstRssMbRatio: Object.fromEntries(Object.keys(these[0].rssMb).map((name) => [name, abRatio(burstRss(these, name), burstRss(theirs, name))])),
    runs: {
      these: these.map(runSummary),
      theirs: theirs.map(runSummary),
    },
  };
}

const runSummary = (r: SuiteRun) => ({
  cpuMicrosPerEvent: r.throughput.cpuMicrosPerEvent?.byProcess,
  allStagesPerSecond: r.throughput.allStagesPerSecond,
  latencyP99Ms: r.latency.ms.p99,
  burstRssMb: Object.fromEntries(Object.entries(r.rssMb).map(([name, rss]) => [name, rss.burstMax])),
});

function suiteMarkdown(command: string, machine: ReturnType<typeof benchMachine>, at: string, run: SuiteRun): string[] {
  const { latency, throughput, rssMb, storage } = run;
  const cpu = throughput.cpuMicrosPerEvent;
  return [
    '# End-to-end benchmark',
    '',
    `\`${command}\` on ${machine.cpus} cores (${machine.cpuModel}), ${at}. The five apps as processes (ingest, lake, scoring, profile-api, alerts) on ${BUS_NAME}${BUS === 'kafka' ? " (Redis for scoring's state)" : ''}, Postgres, the trained model, a local webhook receiver, and the simulator's traffic over HTTP, all on this machine.`,
    '',
    '| measure | value |',
    '|---|---:|',
    `| HTTP 202 → webhook received, p50 ms (${RATE} events/s for ${SECONDS} s, ${latency.alerts} alerts; a rule alerts on payments ≥ 100) | ${latency.ms.p50} |`,
    `| … p90 ms | ${latency.ms.p90} |`,
    `| … p99 ms | ${latency.ms.p99} |`,
    `| … of which 202 → alert raised by scoring, p50 / p99 ms | ${latency.acceptedToRaisedMs.p50} / ${latency.acceptedToRaisedMs.p99} |`,
    `| … of which alert raised → webhook received, p50 / p99 ms | ${latency.raisedToReceivedMs.p50} / ${latency.raisedToReceivedMs.p99} |`,
    `| burst of ${throughput.events.toLocaleString('en')} events (${BURST_ALERTS === 'model' ? 'the shipped model and default rules' : 'with the rule alerting on payments ≥ 100'}: ${throughput.alertsRaised.toLocaleString('en')} alerts, ${((throughput.alertsRaised / throughput.events) * 100).toFixed(2)}% of events): ingest accepted, events/s | ${throughput.ingestAcceptedPerSecond.toLocaleString('en')} |`,
    `| … every stage (lake, scoring, profiles) done, events/s | ${throughput.allStagesPerSecond.toLocaleString('en')} |`,
    ...Object.entries(throughput.stagePerSecond).map(([stage, rate]) => `| … ${stage} done, events/s | ${rate.toLocaleString('en')} |`),
    `| … lake files written for it (a file per event-time hour per roll) | ${throughput.lakeFiles.toLocaleString('en')} |`,
    ...(cpu
      ? [
          `| … CPU µs per event, every process (two cores give 100 at 20,000 events/s) | ${cpu.byProcess.total} |`,
          `| … of which ${Object.entries(cpu.byProcess)
            .filter(([name]) => name !== 'total')
            .map(([name, us]) => `${name} ${us}`)
            .join(', ')} | |`,
          `| … Postgres's part by client: ${Object.entries(cpu.postgresByClient)
            .map(([name, us]) => `${name} ${us}`)
            .join(', ')} | |`,
        ]
      : []),
    ...Object.entries(rssMb).map(([s, r]) => `| ${s} resident memory, max MB: at ${RATE} events/s / during the burst | ${r.steadyMax} / ${r.burstMax} |`),
    `| storage, MB per million events (${storage.events.toLocaleString('en')} sent, ${storage.alerts.toLocaleString('en')} alerts), before any retention: | |`,
    ...Object.entries(storage.mbPerMillionEvents).map(([what, mb]) => `| … ${what} | ${mb} |`),
    '',
  ];
}

function againstMarkdown(comparison: NonNullable<ReturnType<typeof compare>>): string[] {
  const cell = ({ ratio, min, max }: { ratio: number; min: number; max: number }) => `${ratio} (${min}–${max})`;
  return [
    `## Against ${comparison.ref} (${comparison.commit.slice(0, 12)})`,
    '',
    `Both suites in alternation, each first in every other round (this checkout in the first), ${comparison.rounds} round(s) on the same traffic. Ratio of this checkout's median to the ref's (below 1: less CPU, fewer events/s, shorter waits), with the smallest and largest ratio of one round.`,
    '',
    '| measure | ratio (spread) | this checkout | ref |',
    '|---|---:|---:|---:|',
    `| CPU µs per event, every process | ${cell(comparison.cpuMicrosPerEventRatio)} | ${comparison.runs.these.map((r) => r.cpuMicrosPerEvent?.total).join(', ')} | ${comparison.runs.theirs.map((r) => r.cpuMicrosPerEvent?.total).join(', ')} |`,
    ...Object.entries(comparison.cpuMicrosPerEventRatioByProcess).map(
      ([name, r]) =>
        `| … ${name} | ${cell(r)} | ${comparison.runs.these.map((x) => x.cpuMicrosPerEvent?.[name]).join(', ')} | ${comparison.runs.theirs.map((x) => x.cpuMicrosPerEvent?.[name]).join(', ')} |`,
    ),
    `| every stage done, events/s | ${cell(comparison.throughputRatio)} | ${comparison.runs.these.map((r) => r.allStagesPerSecond).join(', ')} | ${comparison.runs.theirs.map((r) => r.allStagesPerSecond).join(', ')} |`,
    `| HTTP 202 → webhook p99 ms | ${cell(comparison.latencyP99Ratio)} | ${comparison.runs.these.map((r) => r.latencyP99Ms).join(', ')} | ${comparison.runs.theirs.map((r) => r.latencyP99Ms).join(', ')} |`,
    ...Object.entries(comparison.burstRssMbRatio).map(
      ([name, r]) =>
        `| ${name} resident memory during the burst, max MB | ${cell(r)} | ${comparison.runs.these.map((x) => x.burstRssMb[name]).join(', ')} | ${comparison.runs.theirs.map((x) => x.burstRssMb[name]).join(', ')} |`,
    ),
    '',
  ];
}

/** A histogram of latencies as an SVG image: 40 bins up to the 99.5th percentile. */
function latencySvg(samples: number[]): string {
  const top = percentiles(samples, [99.5])['p99.5'] || 1;
  const bins = new Array<number>(40).fill(0);
  for (const s of samples) bins[Math.min(39, Math.floor((s / top) * 40))]++;
  const most = Math.max(1, ...bins);
  const bars = bins.map((n, i) => `<rect x="${40 + i * 14}" y="${220 - (n / most) * 180}" width="12" height="${(n / most) * 180}" fill="#4a7bd0"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="260" font-family="sans-serif" font-size="12">
<text x="40" y="20">HTTP 202 to webhook received: ${samples.length} alerts</text>${bars}
<line x1="40" y1="220" x2="600" y2="220" stroke="#333"/><text x="40" y="240">0 ms</text><text x="560" y="240">${top.toFixed(0)} ms</text>
</svg>
`;
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
