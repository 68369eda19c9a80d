/**
 * `npm run bench:scoring`: the scoring stage's throughput.
 * 1. Service: a scoring process (the default model, every feature it names) drains a backlog of
 *    enriched events from a topic of its own, on Redis Streams and on Kafka; events/s from the first
 *    event scored to the last, read from its /metrics.
 * 2. Side by side, in this process, on the same events, state in Redis: the service's ScoreBatchService
 *    (batches of SCORING_MAX_BATCH: one Redis read, one session.run, one MULTI write each) against a
 *    naive per-event version of the same logic (one Redis round trip and one session.run per event).
 * 3. Per-batch processing time at a steady 5,000 events/s (measureBatchTimes).
 * Writes bench/results/scoring.json and .md.
 */
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import type { ChildProcess } from 'node:child_process';
import { createBus, partitionForKey, silentBusLogger, type MessageBus } from '@app/bus';
import { topicNames, type EnrichedEvent, type TopicMap } from '@app/contracts';
import { DEFAULT_FEATURE_CONFIG, FeatureEngine, featureEventOf, MerchantState, UserState } from '@app/features';
import { OnnxModel } from '@app/model';
import { loadConfig } from '@app/platform';
import { bootApp } from '@app/testing';
import { scoringEnv } from '../../apps/scoring/src/scoring.config';
import { ScoringModule } from '../../apps/scoring/src/scoring.module';
import { decide } from '../../apps/scoring/src/scoring/decide';
import { ScoreBatchService } from '../../apps/scoring/src/scoring/score-batch.service';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { median } from './percentiles';
import { metricSamples, metricSum } from './service-metrics';
import { GeoLookup } from '@app/enrichment';
import { enrichedSimulation } from '../simulate/enriched-simulation';
import { simulationOptions } from '../simulate/simulate';
import { startServiceProcess, stopServiceProcess } from '@app/testing';

const EVENTS = Number(arg('events', '300000'));
const SIDE_BY_SIDE_EVENTS = Number(arg('side-by-side-events', '30000'));
const CUSTOMERS = Number(arg('customers', '5000'));
const TERMINALS = Number(arg('terminals', '10000'));
const RUNS = Number(arg('runs', '3'));
const BATCH_RATE = Number(arg('batch-rate', '5000'));
const BATCH_SECONDS = Number(arg('batch-seconds', '20'));
const PARTITIONS = 4;
const REDIS_URL = 'redis://127.0.0.1:6379/14';
const engines: Record<string, string> = { redis: REDIS_URL, kafka: `kafka://${process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092'}` };
const selected = arg('engines', 'redis,kafka').split(',').filter(Boolean);
const API_KEY = 'bench-key-123456';
/** `--profile DIR` writes V8 CPU profiles of the scoring processes there. */
const PROFILE_DIR = arg('profile', '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const runName = (what: string) => `bench-scoring-${what}-${Date.now().toString(36)}`;

async function dropState(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 10_000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

/** Scored events so far, from the service's own counter. */
const scoredSoFar = (port: number) => metricSum(port, 'scoring_events_scored_total');

interface ScoringRun {
  bus: MessageBus;
  topics: TopicMap;
  /** Starts the scoring service on this run's topics and state (stopped when the run ends). */
  startService(port: number): Promise<void>;
}

/** A run on topics and scoring state of its own, removed afterwards. */
async function withOwnTopics<T>(busUrl: string, body: (run: ScoringRun) => Promise<T>): Promise<T> {
  const prefix = `${runName('svc')}.`;
  const statePrefix = runName('state');
  const topics = topicNames(prefix);
  const bus = createBus({ url: busUrl, clientId: 'scoring-bench', logger: silentBusLogger });
  await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, partitions: PARTITIONS })));
  let child: ChildProcess | undefined;
  try {
    return await body({
      bus,
      topics,
      startService: async (port) => {
        child = await startServiceProcess('scoring', port, { API_KEYS: API_KEY, BUS_URL: busUrl, BUS_TOPIC_PREFIX: prefix, BUS_PARTITIONS: String(PARTITIONS), REDIS_URL, SCORING_STATE_PREFIX: statePrefix }, [
          ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
        ]);
      },
    });
  } finally {
    if (child) await stopServiceProcess(child);
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await dropState(statePrefix);
  }
}

const publishEvents = (run: ScoringRun, events: EnrichedEvent[]) => run.bus.publish(run.topics.enriched, events.map((e) => ({ key: e.userId, value: JSON.stringify(e) })));

function measureService(busUrl: string, events: EnrichedEvent[]) {
  const expected = events.filter((e) => e.type !== 'chargeback').length;
  return withOwnTopics(busUrl, async (run) => {
    for (let from = 0; from < events.length; from += 5_000) await publishEvents(run, events.slice(from, from + 5_000));
    const port = 3941;
    await run.startService(port);
    let started = 0;
    let first = 0;
    for (;;) {
      const scored = await scoredSoFar(port);
      if (scored > 0 && started === 0) [started, first] = [performance.now(), scored];
      if (scored >= expected) return { eventsPerSecond: Math.round((scored - first) / ((performance.now() - started) / 1000)) };
      await sleep(50);
    }
  });
}

/** Cumulative counts of the scoring group's `bus_handler_duration_seconds` buckets (upper bound in s → batches). */
async function batchDurationBuckets(port: number): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  for (const [line, count] of await metricSamples(port, 'bus_handler_duration_seconds_bucket{')) {
    if (!/group="[^"]*scoring"/.test(line)) continue;
    const bound = (/le="([^"]+)"/.exec(line) as RegExpExecArray)[1];
    const le = bound === '+Inf' ? Infinity : Number(bound);
    buckets.set(le, (buckets.get(le) ?? 0) + count);
  }
  return buckets;
}

/**
 * Per-batch processing time at a steady rate: events published every 20 ms at BATCH_RATE events/s for
 * BATCH_SECONDS (after a warm-up of 5 s, not counted); the service's own histogram of batch durations
 * (handling plus commit) says which share of batches took 10 ms or less, and in which bucket the 99th
 * percentile falls.
 */
function measureBatchTimes(busUrl: string, events: EnrichedEvent[]) {
  return withOwnTopics(busUrl, async (run) => {
    const port = 3942;
    await run.startService(port);
    const perTick = BATCH_RATE / 50;
    let next = 0;
    const send = async (seconds: number) => {
      const started = performance.now();
      for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
        const due = started + tick * 20;
        if (due > performance.now()) await sleep(due - performance.now());
        await publishEvents(run, events.slice(next % events.length, (next % events.length) + perTick));
        next += perTick;
      }
    };
    await send(5);
    await sleep(1_000);
    const before = await batchDurationBuckets(port);
    await send(BATCH_SECONDS);
    await sleep(1_000);
    const after = await batchDurationBuckets(port);
    const bounds = [...after.keys()].sort((a, b) => a - b);
    const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
    const total = counts[counts.length - 1]; // the +Inf bucket
    const p99Bound = bounds[counts.findIndex((c) => c >= 0.99 * total)];
    const within10ms = counts[bounds.indexOf(0.01)] / total;
    return { batches: total, sharePct10ms: Math.round(within10ms * 10_000) / 100, p99AtMostMs: p99Bound * 1000 };
  });
}

/** The events as the bus would hand them over: per partition, in order, with increasing offsets. */
function partitioned(events: EnrichedEvent[]) {
  const parts = Array.from({ length: PARTITIONS }, () => [] as Array<{ offset: string; event: EnrichedEvent }>);
  events.forEach((event, n) => parts[partitionForKey(event.userId, PARTITIONS)].push({ offset: String(n), event }));
  return parts;
}

async function measureBatched(events: EnrichedEvent[]) {
  const statePrefix = runName('batched');
  const app = await bootApp(ScoringModule.forRoot(loadConfig(scoringEnv, {
    API_KEYS: API_KEY, LOG_LEVEL: 'warn', BUS_URL: REDIS_URL, REDIS_URL, SCORING_STATE_PREFIX: statePrefix, SCORING_CONSUMER: 'false',
  })), 'scoring');
  const service = app.app.get(ScoreBatchService);
  const batch = loadConfig(scoringEnv, { API_KEYS: API_KEY }).SCORING_MAX_BATCH;
  const parts = partitioned(events);
  try {
    const started = performance.now();
    for (let from = 0; parts.some((p) => from < p.length); from += batch) {
      for (const [partition, part] of parts.entries()) {
        if (from < part.length) await service.scoreBatch('bench', partition, part.slice(from, from + batch), async () => undefined);
      }
    }
    return Math.round(events.length / ((performance.now() - started) / 1000));
  } finally {
    await app.close();
    await dropState(statePrefix);
  }
}

/** The same features, model and decision, one event at a time: a Redis round trip (the previous event's write pipelined with this one's read) and a session.run each. */
async function measureNaive(events: EnrichedEvent[]) {
  const statePrefix = runName('naive');
  const redis = new Redis(REDIS_URL);
  const model = await OnnxModel.load('models/default/manifest.json');
  const engine = new FeatureEngine(model.manifest.features, DEFAULT_FEATURE_CONFIG);
  let pendingWrite: ((pipeline: ReturnType<Redis['pipeline']>) => void) | null = null;
  try {
    const started = performance.now();
    for (const [n, event] of events.entries()) {
      const pipeline = redis.pipeline();
      pendingWrite?.(pipeline);
      const userKey = `${statePrefix}:u:${event.userId}`;
      const merchantKey = `${statePrefix}:m:${event.merchantId ?? '-'}`;
      pipeline.get(userKey).hgetall(merchantKey);
      const replies = (await pipeline.exec()) ?? [];
      const [[, userState], [, merchantFields]] = replies.slice(-2) as [[null, string | null], [null, Record<string, string>]];
      const user = UserState.decode(userState, DEFAULT_FEATURE_CONFIG.graceMs);
      const merchant = event.merchantId ? MerchantState.fromFields(merchantFields) : null;
      const { values, fate } = engine.process(featureEventOf(event), user, merchant);
      const [score] = await model.score(Float32Array.from(values), 1);
      decide(score, model.manifest.thresholds, [], fate);
      pendingWrite = (p) => {
        if (user.changed) {
          const stored = user.storedForm();
          if (stored.append) p.append(userKey, stored.text);
          else p.set(userKey, stored.text);
          p.pexpire(userKey, 31 * 86_400_000);
        }
        for (const [field, by] of merchant?.takeIncrements() ?? []) p.hincrby(merchantKey, field, by);
        p.set(`${statePrefix}:pos:bench:0`, String(n));
      };
    }
    return Math.round(events.length / ((performance.now() - started) / 1000));
  } finally {
    await model.release();
    redis.disconnect();
    await dropState(statePrefix);
  }
}

async function main(): Promise<void> {
  // The simulator's traffic (the handbook's customers and terminals, clickstream, frauds, charge-backs), enriched as ingest would.
  const geo = await GeoLookup.open();
  const wanted = Math.max(selected.length > 0 ? EVENTS : 0, SIDE_BY_SIDE_EVENTS);
  const events: EnrichedEvent[] = [];
  for (const { event } of enrichedSimulation(simulationOptions({ customers: String(CUSTOMERS), terminals: String(TERMINALS), days: '70' }, geo), geo)) {
    if (events.push(event) >= wanted) break;
  }
  const service: Record<string, { runs: number[]; median: number }> = {};
  for (const engine of selected) {
    const runs: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      runs.push((await measureService(engines[engine], events)).eventsPerSecond);
      console.error(`[bench:scoring] service on ${engine}, run ${r + 1}: ${runs[r]} events/s`);
    }
    service[engine] = { runs, median: median(runs) };
  }
  const batchTimes: Record<string, Awaited<ReturnType<typeof measureBatchTimes>>> = {};
  for (const engine of selected) {
    batchTimes[engine] = await measureBatchTimes(engines[engine], events);
    console.error(`[bench:scoring] ${engine} at ${BATCH_RATE}/s: ${JSON.stringify(batchTimes[engine])}`);
  }
  const subset = events.slice(0, SIDE_BY_SIDE_EVENTS);
  // One uncounted round of each first: both sides then run JIT-compiled code (the first batched run was 40% slower).
  await measureBatched(subset.slice(0, SIDE_BY_SIDE_EVENTS / 3));
  await measureNaive(subset.slice(0, SIDE_BY_SIDE_EVENTS / 10));
  const batchedRuns: number[] = [];
  const naiveRuns: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    batchedRuns.push(await measureBatched(subset));
    naiveRuns.push(await measureNaive(subset));
    console.error(`[bench:scoring] side by side, run ${r + 1}: batched ${batchedRuns[r]}/s, naive ${naiveRuns[r]}/s`);
  }
  const ratios = batchedRuns.map((b, i) => Math.round((b / naiveRuns[i]) * 10) / 10);
  const model = (await OnnxModel.load('models/default/manifest.json')).manifest;
  const report = {
    command: benchCommand('bench:scoring'),
    machine: benchMachine(),
    at: new Date().toISOString(),
    traffic: { events: EVENTS, customers: CUSTOMERS, terminals: TERMINALS, partitions: PARTITIONS, model: `${model.id} ${model.version}`, features: model.features.length },
    service,
    batchTimes: { rate: BATCH_RATE, seconds: BATCH_SECONDS, byEngine: batchTimes },
    sideBySide: { events: SIDE_BY_SIDE_EVENTS, batched: { runs: batchedRuns, median: median(batchedRuns) }, naive: { runs: naiveRuns, median: median(naiveRuns) }, ratios, medianRatio: median(ratios) },
  };
  const markdown = [
    '# Scoring benchmark',
    '',
    `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.at}. Model ${report.traffic.model} (${model.features.length} features), the first ${EVENTS.toLocaleString('en')} simulated events (\`npm run simulate\`: ${CUSTOMERS.toLocaleString('en')} customers, ${TERMINALS.toLocaleString('en')} terminals), ${PARTITIONS} partitions; Redis, the broker and the service share the machine.`,
    '',
    '| what | events/s (median) | runs |',
    '|---|---:|---|',
    ...Object.entries(service).map(([engine, r]) => `| scoring service draining a backlog, ${engine === 'redis' ? 'Redis Streams' : 'Kafka'} | ${r.median.toLocaleString('en')} | ${r.runs.join(', ')} |`),
    `| ScoreBatchService in process, batches of ${loadConfig(scoringEnv, { API_KEYS: API_KEY }).SCORING_MAX_BATCH} | ${report.sideBySide.batched.median.toLocaleString('en')} | ${batchedRuns.join(', ')} |`,
    `| naive: one Redis round trip and one session.run per event | ${report.sideBySide.naive.median.toLocaleString('en')} | ${naiveRuns.join(', ')} |`,
    '',
    `Batched over naive, same ${SIDE_BY_SIDE_EVENTS.toLocaleString('en')} events, per run: ${ratios.map((r) => `${r}×`).join(', ')} (median ${report.sideBySide.medianRatio}×).`,
    '',
    `Per-batch processing time (handling and commit, from the service's \`bus_handler_duration_seconds\` histogram) at ${BATCH_RATE.toLocaleString('en')} events/s for ${BATCH_SECONDS} s after a 5 s warm-up:`,
    '',
    '| engine | batches | within 10 ms | p99 at most (histogram bucket) |',
    '|---|---:|---:|---:|',
    ...Object.entries(batchTimes).map(([engine, t]) => `| ${engine === 'redis' ? 'Redis Streams' : 'Kafka'} | ${t.batches} | ${t.sharePct10ms}% | ${t.p99AtMostMs} ms |`),
    '',
  ].join('\n');
  writeBenchReport('scoring', report, markdown);
  process.exit(0);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
