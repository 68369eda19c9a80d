/**
 * `npm run bench:scoring`: the scoring stage's throughput.
 * 1. Service: a scoring process (the default model, every feature it names) drains a backlog of
 *    enriched events from a topic of its own, on Redis Streams and on Kafka; events/s from the first
 *    event scored to the last, read from its /metrics. In turns with it, the same backlog through the
 *    bus's part of the stage alone (relay-stage.ts): the engine's ceiling for the stage.
 * 2. Side by side, in this process, on the same events, state in Redis: the service's ScoreBatchService
 *    (batches of SCORING_MAX_BATCH: one Redis read, one session.run, one script write each) against a
 *    naive per-event version of the same logic (one Redis round trip and one session.run per event),
 *    timed in alternating chunks (sideBySide).
 * 3. Per-batch processing time, and each event's wait from publish to Score, at a steady 5,000 events/s
 *    (measureBatchTimes).
 * Writes bench/results/scoring.json and .md.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import type { ChildProcess } from 'node:child_process';
import { createBus, partitionForKey, silentBusLogger, type MessageBus } from '@app/bus';
import { scoreCodec, topicNames, type EnrichedEvent, type TopicMap } from '@app/contracts';
import { DEFAULT_FEATURE_CONFIG, FeatureEngine, featureEventOf, MerchantState, transactionFactsOf, UserState } from '@app/features';
import { OnnxModel } from '@app/model';
import { loadConfig } from '@app/platform';
import { bootApp, metricSamples, metricSum } from '@app/testing';
import { scoringEnv } from '../../apps/scoring/src/scoring.config';
import { ScoringModule } from '../../apps/scoring/src/scoring.module';
import { decide } from '../../apps/scoring/src/scoring/decide';
import { ScoreBatchService } from '../../apps/scoring/src/scoring/score-batch.service';
import { positionedEvent, type PositionedEvent } from '../../apps/scoring/src/scoring/score-pipeline';
import { ScoringKeys } from '../../apps/scoring/src/state/scoring-keys';
import { WindowStateRepository, type StateChanges } from '../../apps/scoring/src/state/window-state.repository';
import { benchArg as arg, benchCommand, benchMachine, cpuProfileArgs, writeBenchReport } from './bench-report';
import { cpuMicrosPerEvent, processCpuSeconds, redisCpuSeconds } from './process-usage';
import { median, percentiles } from './percentiles';
import { GeoLookup } from '@app/enrichment';
import { enrichedSimulation } from '../simulate/enriched-simulation';
import { simulationOptions } from '../simulate/simulate';
import { startSuiteProcess, stopServiceProcess } from '@app/testing';

const EVENTS = Number(arg('events', '300000'));
// 90,000: the batched side then runs ~3 s a run; over 30,000 (1 s) its figure swung by a third between runs.
const SIDE_BY_SIDE_EVENTS = Number(arg('side-by-side-events', '90000'));
/** Events each side scores in its turn (sideBySide). */
const SIDE_BY_SIDE_CHUNK = Number(arg('side-by-side-chunk', '10000'));
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
/** `--only service` drains the backlog with the service and the bus alone, and stops there (for an A/B of scoring's own work). */
const ONLY = arg('only', '');
const execFileAsync = promisify(execFile);
const engineName = (engine: string) => (engine === 'redis' ? 'Redis Streams' : 'Kafka');
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
const scoredSoFar = (port: number) => metricSum(`http://127.0.0.1:${port}`, 'scoring_events_scored_total');

interface StageSummary {
  runs: number[];
  median: number;
  /** Medians over the runs. */
  cpuMicrosPerEvent: { process: number | null; redis: number };
}

const summary = (runs: StageRun[]): StageSummary => {
  const processCpu = runs.flatMap((r) => (r.cpuMicrosPerEvent.process === null ? [] : [r.cpuMicrosPerEvent.process]));
  return {
    runs: runs.map((r) => r.eventsPerSecond),
    median: median(runs.map((r) => r.eventsPerSecond)),
    cpuMicrosPerEvent: { process: processCpu.length > 0 ? median(processCpu) : null, redis: median(runs.map((r) => r.cpuMicrosPerEvent.redis)) },
  };
};

const cpuCell = ({ cpuMicrosPerEvent: cpu }: StageSummary) => `${cpu.process ?? '?'}, ${cpu.redis}`;

/** One run of a stage draining the backlog (the service, or the bus alone). */
export interface StageRun {
  eventsPerSecond: number;
  /** CPU µs per event: the stage's process (null where /proc cannot be read) and Redis (the bus on Redis Streams, and the state). */
  cpuMicrosPerEvent: { process: number | null; redis: number };
}

interface ScoringRun {
  bus: MessageBus;
  /** BUS_TOPIC_PREFIX of this run's topics. */
  prefix: string;
  topics: TopicMap;
  /** Starts the scoring service on this run's topics and state (stopped when the run ends); its process id. */
  startService(port: number): Promise<number>;
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
      prefix,
      topics,
      startService: async (port) => {
        // As the suite and the images run it: compiled, with their V8 flags and allocator.
        child = await startSuiteProcess(
          'scoring',
          port,
          { API_KEYS: API_KEY, BUS_URL: busUrl, BUS_TOPIC_PREFIX: prefix, BUS_PARTITIONS: String(PARTITIONS), REDIS_URL, SCORING_STATE_PREFIX: statePrefix },
          { compiled: true, nodeArgs: cpuProfileArgs(PROFILE_DIR) },
        );
        return child.pid as number;
      },
    });
  } finally {
    if (child) await stopServiceProcess(child);
    await bus.deleteTopics(Object.values(topics));
    await bus.close();
    await dropState(statePrefix);
  }
}

const publishEvents = (run: ScoringRun, events: EnrichedEvent[]) =>
  run.bus.publish(
    run.topics.enriched,
    events.map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
  );

/** Publishes the whole backlog before the stage starts, in requests of 5,000 events. */
async function publishBacklog(run: ScoringRun, events: EnrichedEvent[]): Promise<void> {
  for (let from = 0; from < events.length; from += 5_000) await publishEvents(run, events.slice(from, from + 5_000));
}

/** Events the stage scores (and counts): charge-backs are applied, not scored. */
const scoredIn = (events: EnrichedEvent[]) => events.filter((e) => e.type !== 'chargeback').length;

/** The service draining the backlog: events/s, and CPU µs per event of its process and of Redis, from the first event scored to the last. */
function measureService(busUrl: string, events: EnrichedEvent[]): Promise<StageRun> {
  const expected = scoredIn(events);
  return withOwnTopics(busUrl, async (run) => {
    await publishBacklog(run, events);
    const port = 3941;
    const pid = await run.startService(port);
    const redis = new Redis(REDIS_URL);
    try {
      let started = 0;
      let first = 0;
      let cpuAtStart: [number | null, number] = [null, 0];
      for (;;) {
        const scored = await scoredSoFar(port);
        if (scored > 0 && started === 0) {
          [started, first] = [performance.now(), scored];
          cpuAtStart = [processCpuSeconds(pid), await redisCpuSeconds(redis)];
        }
        if (scored >= expected) {
          const eventsPerSecond = Math.round((scored - first) / ((performance.now() - started) / 1000));
          return {
            eventsPerSecond,
            cpuMicrosPerEvent: cpuMicrosPerEvent(scored - first, [cpuAtStart[0], processCpuSeconds(pid)], [cpuAtStart[1], await redisCpuSeconds(redis)]),
          };
        }
        await sleep(50);
      }
    } finally {
      redis.disconnect();
    }
  });
}

/**
 * The same backlog through the bus's part of the stage alone (relay-stage.ts: read, parse, publish a
 * Score per event, commit; no state, no model): the ceiling the service's row sits under on this engine.
 */
function measureRelay(busUrl: string, events: EnrichedEvent[]): Promise<StageRun> {
  return withOwnTopics(busUrl, async (run) => {
    await publishBacklog(run, events);
    const config = loadConfig(scoringEnv, { API_KEYS: API_KEY });
    const { stdout } = await execFileAsync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'tools/bench/relay-stage.ts'],
      {
        env: {
          ...process.env,
          BUS_URL: busUrl,
          REDIS_URL,
          BUS_TOPIC_PREFIX: run.prefix,
          SCORING_MAX_BATCH: String(config.SCORING_MAX_BATCH),
          SCORING_CONCURRENT_PARTITIONS: String(config.SCORING_CONCURRENT_PARTITIONS),
          RELAY_EXPECTED: String(scoredIn(events)),
        },
      },
    );
    return JSON.parse(stdout.trim().split('\n').pop() as string) as StageRun;
  });
}

/** Cumulative counts of the scoring group's `bus_handler_duration_seconds` buckets (upper bound in s → batches). */
async function batchDurationBuckets(port: number): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  for (const [line, count] of await metricSamples(`http://127.0.0.1:${port}`, 'bus_handler_duration_seconds_bucket{')) {
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
 * (a handler call) says which share of batches took 10 ms or less, and in which bucket the 99th
 * percentile falls; each event's wait from its publish to its Score (publishedToScoredMs); with the CPU
 * per event of the service and of Redis meanwhile.
 */
function measureBatchTimes(busUrl: string, events: EnrichedEvent[]) {
  return withOwnTopics(busUrl, async (run) => {
    const port = 3942;
    const pid = await run.startService(port);
    const perTick = BATCH_RATE / 50;
    let next = 0;
    /** Event id → when its publish was acknowledged, for the events of the timed part. */
    const publishedAt = new Map<string, number>();
    const send = async (seconds: number, timed: boolean) => {
      const started = performance.now();
      for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
        const due = started + tick * 20;
        if (due > performance.now()) await sleep(due - performance.now());
        const slice = events.slice(next % events.length, (next % events.length) + perTick);
        await publishEvents(run, slice);
        if (timed) {
          const at = Date.now();
          for (const event of slice) if (event.type !== 'chargeback') publishedAt.set(event.eventId, at); // chargebacks get no Score
        }
        next += perTick;
      }
    };
    await send(5, false);
    await sleep(1_000);
    const redis = new Redis(REDIS_URL);
    let before: Map<number, number>, after: Map<number, number>, cpu: ReturnType<typeof cpuMicrosPerEvent>;
    try {
      before = await batchDurationBuckets(port);
      const scoredBefore = await scoredSoFar(port);
      const cpuBefore = [processCpuSeconds(pid), await redisCpuSeconds(redis)] as const;
      await send(BATCH_SECONDS, true);
      await sleep(1_000);
      after = await batchDurationBuckets(port);
      cpu = cpuMicrosPerEvent((await scoredSoFar(port)) - scoredBefore, [cpuBefore[0], processCpuSeconds(pid)], [cpuBefore[1], await redisCpuSeconds(redis)]);
    } finally {
      redis.disconnect();
    }
    const bounds = [...after.keys()].sort((a, b) => a - b);
    const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
    const total = counts[counts.length - 1]; // the +Inf bucket
    const p99Bound = bounds[counts.findIndex((c) => c >= 0.99 * total)];
    const within10ms = counts[bounds.indexOf(0.01)] / total;
    const waits = percentiles(await publishedToScoredMs(run, publishedAt), [50, 99]);
    return {
      batches: total,
      sharePct10ms: Math.round(within10ms * 10_000) / 100,
      p99AtMostMs: p99Bound * 1000,
      publishedToScoredMs: { p50: waits.p50, p99: waits.p99 },
      cpuMicrosPerEvent: cpu,
    };
  });
}

/**
 * What an event waits, read once the timed part is over (no reader beside the service while it runs): for
 * each event published then, from its publish's acknowledgement to its Score's `scoredAt` (ms, one clock).
 */
async function publishedToScoredMs(run: ScoringRun, publishedAt: Map<string, number>): Promise<number[]> {
  const waits: number[] = [];
  const consumer = await run.bus.consume({
    group: runName('waits'),
    topics: [run.topics.scores],
    deadLetterTopic: run.topics.invalid,
    handler: async (batch) => {
      for (const record of batch.records) {
        const score = scoreCodec.decode(record.value);
        if (typeof score === 'string') continue;
        const at = publishedAt.get(score.eventId);
        if (at === undefined) continue;
        publishedAt.delete(score.eventId);
        waits.push(Date.parse(score.scoredAt) - at);
      }
    },
  });
  try {
    // Every timed event's Score, or none more for 5 s (a lost Score shows as a shorter sample).
    const expected = publishedAt.size;
    let seen = 0;
    let progressAt = Date.now();
    while (waits.length < expected && Date.now() - progressAt < 5_000) {
      if (waits.length > seen) [seen, progressAt] = [waits.length, Date.now()];
      await sleep(200);
    }
  } finally {
    await consumer.stop();
  }
  return waits;
}

/** The events as the bus would hand them over: per partition, in order, with offsets increasing from `first`. */
function partitioned(events: EnrichedEvent[], first: number) {
  const parts = Array.from({ length: PARTITIONS }, () => [] as PositionedEvent[]);
  events.forEach((event, n) => parts[partitionForKey(event.userId, PARTITIONS)].push(positionedEvent(String(first + n), event)));
  return parts;
}

/** One side of the comparison, on state of its own that lasts across the chunks of events it is given. */
interface Side {
  score(events: EnrichedEvent[]): Promise<void>;
  /** Scores what score() held back. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The service's ScoreBatchService: batches of SCORING_MAX_BATCH per partition (one Redis read, one session.run, one script write each). */
async function batchedSide(): Promise<Side> {
  const statePrefix = runName('batched');
  const app = await bootApp(
    ScoringModule.forRoot(
      loadConfig(scoringEnv, {
        API_KEYS: API_KEY,
        LOG_LEVEL: 'warn',
        BUS_URL: REDIS_URL,
        REDIS_URL,
        SCORING_STATE_PREFIX: statePrefix,
        SCORING_CONSUMER: 'false',
      }),
    ),
    'scoring',
  );
  const service = app.app.get(ScoreBatchService);
  const batch = loadConfig(scoringEnv, { API_KEYS: API_KEY }).SCORING_MAX_BATCH;
  // Each partition's events not yet scored: a chunk ends mid-batch, and a backlog gives whole batches.
  const pending = Array.from({ length: PARTITIONS }, () => [] as PositionedEvent[]);
  let offset = 0;
  const scoreBatches = async (whole: boolean) => {
    for (let more = true; more;) {
      more = false;
      for (const [partition, part] of pending.entries()) {
        if (part.length >= batch || (!whole && part.length > 0))
          await service.score([{ topic: 'bench', partition, events: part.splice(0, batch) }], async () => []);
        more ||= part.length >= batch || (!whole && part.length > 0);
      }
    }
  };
  return {
    async score(events) {
      partitioned(events, offset).forEach((part, partition) => pending[partition].push(...part));
      offset += events.length;
      await scoreBatches(true);
    },
    flush: () => scoreBatches(false),
    async close() {
      await app.close();
      await dropState(statePrefix);
    },
  };
}

/**
 * The same features, model and decision, one event at a time: a Redis round trip (the previous event's write
 * pipelined with this one's read) and a session.run each.
 */
async function naiveSide(): Promise<Side> {
  const statePrefix = runName('naive');
  const redis = new Redis(REDIS_URL);
  const model = await OnnxModel.load('models/default/manifest.json');
  const engine = new FeatureEngine(model.manifest.features, DEFAULT_FEATURE_CONFIG);
  let pendingWrite: ((pipeline: ReturnType<Redis['pipeline']>) => void) | null = null;
  let n = 0;
  return {
    async score(events) {
      for (const event of events) {
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
        const position = String(n++);
        pendingWrite = (p) => {
          if (user.changed) {
            const stored = user.storedForm();
            if (stored.append) p.append(userKey, stored.text);
            else p.set(userKey, stored.text);
            p.pexpire(userKey, 31 * 86_400_000);
          }
          for (const [field, by] of merchant?.takeIncrements() ?? []) p.hincrby(merchantKey, field, by);
          p.set(`${statePrefix}:pos:bench:0`, position);
        };
      }
    },
    flush: async () => undefined,
    async close() {
      await model.release();
      redis.disconnect();
      await dropState(statePrefix);
    },
  };
}

/**
 * Both sides on the same events, each on fresh state, timed chunk by chunk in turn (SIDE_BY_SIDE_CHUNK
 * events: a few full batches per partition), so that both see the same machine: its speed drifts by a
 * fifth within minutes, and two runs timed one after the other compared two different machines.
 */
async function sideBySide(events: EnrichedEvent[]): Promise<{ batched: number; naive: number }> {
  const batched = await batchedSide();
  const naive = await naiveSide();
  const elapsedMs = { batched: 0, naive: 0 };
  try {
    for (let from = 0; from < events.length; from += SIDE_BY_SIDE_CHUNK) {
      const chunk = events.slice(from, from + SIDE_BY_SIDE_CHUNK);
      for (const [name, side] of [
        ['batched', batched],
        ['naive', naive],
      ] as const) {
        const started = performance.now();
        await side.score(chunk);
        elapsedMs[name] += performance.now() - started;
      }
    }
    const started = performance.now();
    await batched.flush();
    elapsedMs.batched += performance.now() - started;
  } finally {
    await batched.close();
    await naive.close();
  }
  const rate = (ms: number) => Math.round(events.length / (ms / 1000));
  return { batched: rate(elapsedMs.batched), naive: rate(elapsedMs.naive) };
}

/**
 * The chargeback lookup's cost (docs/scoring.md, "Chargebacks"): storing each batch's transactions.
 * Measured apart, because it is a tenth of the stage at most and whole service runs spread by more.
 * The same batches of SCORING_MAX_BATCH events are written through the service's WindowStateRepository
 * twice, in turns (the order swapped each batch): with their transactions (facts built and encoded as
 * the service does, with their scores' marks) and without. The difference in this process's CPU and
 * Redis's, per event of the batches (every type, as the stage's rows count), is what the lookup adds;
 * Redis's used_memory after, per transaction kept, what it holds.
 */
async function measureLookup(events: EnrichedEvent[]) {
  const redis = new Redis(REDIS_URL);
  const statePrefix = runName('lookup');
  // As the service has it: on Redis Streams in the same Redis, so its writes carry the (here empty) outbox.
  const bus = createBus({ url: REDIS_URL, clientId: 'scoring-bench', logger: silentBusLogger });
  const repository = new WindowStateRepository(redis, bus, loadConfig(scoringEnv, { API_KEYS: API_KEY, REDIS_URL }), new ScoringKeys(statePrefix));
  const batchSize = loadConfig(scoringEnv, { API_KEYS: API_KEY }).SCORING_MAX_BATCH;
  const featureEvents = events.map(featureEventOf);
  const cpu = { with: { process: 0, redis: 0 }, without: { process: 0, redis: 0 } };
  const positions = { with: '', without: '' };
  let transactions = 0;
  const memoryBefore = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  try {
    for (let from = 0, batch = 0; from < featureEvents.length; from += batchSize, batch++) {
      const chunk = featureEvents.slice(from, from + batchSize);
      const sides = batch % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      for (const side of sides) {
        const processBefore = process.cpuUsage();
        const redisBefore = await redisCpuSeconds(redis);
        const lastOffset = `${batch + 1}-0`;
        const changes: StateChanges = {
          positions: [{ topic: 'events', partition: side === 'with' ? 0 : 1, lastOffset, readPosition: positions[side] || null }],
          users: [],
          merchants: [],
          evaluation: [],
          recentScores: [],
          recentScoreLimit: 0,
          transactions:
            side === 'with'
              ? chunk
                  .filter((e) => e.type === 'transaction')
                  .map((e) => ({ eventId: e.eventId, facts: transactionFactsOf(e), scored: { pair: 'live-model~', live: 3, shadow: null, alerts: 0 } }))
              : [],
          userTtlMs: 31 * 86_400_000,
          merchantTtlMs: 38 * 86_400_000,
          transactionTtlMs: 121 * 86_400_000,
        };
        if (side === 'with') transactions += changes.transactions.length;
        await repository.write(changes, null);
        positions[side] = lastOffset;
        const used = process.cpuUsage(processBefore);
        cpu[side].process += (used.user + used.system) / 1e6;
        cpu[side].redis += (await redisCpuSeconds(redis)) - redisBefore;
      }
    }
    const memoryAfter = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    const perEvent = (seconds: number) => Math.round((seconds * 1e6 * 100) / featureEvents.length) / 100;
    return {
      events: featureEvents.length,
      transactions,
      microsPerEvent: { process: perEvent(cpu.with.process - cpu.without.process), redis: perEvent(cpu.with.redis - cpu.without.redis) },
      redisBytesPerTransaction: Math.round((memoryAfter - memoryBefore) / transactions),
    };
  } finally {
    await dropState(statePrefix);
    redis.disconnect();
    await bus.close();
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
  const service: Record<string, StageSummary> = {};
  const relay: Record<string, StageSummary> = {};
  for (const engine of selected) {
    const runs: StageRun[] = [];
    const relayRuns: StageRun[] = [];
    // In turns with the service, so that both rows see the same machine.
    for (let r = 0; r < RUNS; r++) {
      runs.push(await measureService(engines[engine], events));
      relayRuns.push(await measureRelay(engines[engine], events));
      console.error(`[bench:scoring] ${engine}, run ${r + 1}: service ${JSON.stringify(runs[r])}, bus alone ${JSON.stringify(relayRuns[r])}`);
    }
    service[engine] = summary(runs);
    relay[engine] = summary(relayRuns);
  }
  if (ONLY === 'service') return;
  const batchTimes: Record<string, Awaited<ReturnType<typeof measureBatchTimes>>> = {};
  for (const engine of selected) {
    batchTimes[engine] = await measureBatchTimes(engines[engine], events);
    console.error(`[bench:scoring] ${engine} at ${BATCH_RATE}/s: ${JSON.stringify(batchTimes[engine])}`);
  }
  const subset = events.slice(0, SIDE_BY_SIDE_EVENTS);
  // One uncounted round first: both sides then run JIT-compiled code (the first batched run was 40% slower).
  await sideBySide(subset.slice(0, SIDE_BY_SIDE_CHUNK * 2));
  const batchedRuns: number[] = [];
  const naiveRuns: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const { batched, naive } = await sideBySide(subset);
    batchedRuns.push(batched);
    naiveRuns.push(naive);
    console.error(`[bench:scoring] side by side, run ${r + 1}: batched ${batched}/s, naive ${naive}/s`);
  }
  const ratios = batchedRuns.map((b, i) => Math.round((b / naiveRuns[i]) * 10) / 10);
  const lookup = await measureLookup(events.slice(0, EVENTS));
  console.error(`[bench:scoring] the chargeback lookup: ${JSON.stringify(lookup)}`);
  const model = (await OnnxModel.load('models/default/manifest.json')).manifest;
  const report = {
    command: benchCommand('bench:scoring'),
    machine: benchMachine(),
    at: new Date().toISOString(),
    traffic: {
      events: EVENTS,
      customers: CUSTOMERS,
      terminals: TERMINALS,
      partitions: PARTITIONS,
      model: `${model.id} ${model.version}`,
      features: model.features.length,
    },
    service,
    busAlone: relay,
    batchTimes: { rate: BATCH_RATE, seconds: BATCH_SECONDS, byEngine: batchTimes },
    chargebackLookup: lookup,
    sideBySide: {
      events: SIDE_BY_SIDE_EVENTS,
      chunk: SIDE_BY_SIDE_CHUNK,
      batched: { runs: batchedRuns, median: median(batchedRuns) },
      naive: { runs: naiveRuns, median: median(naiveRuns) },
      ratios,
      medianRatio: median(ratios),
    },
  };
  const markdown = [
    '# Scoring benchmark',
    '',
    `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.at}. Model ${report.traffic.model} (${model.features.length} features), the first ${EVENTS.toLocaleString('en')} simulated events (\`npm run simulate\`: ${CUSTOMERS.toLocaleString('en')} customers, ${TERMINALS.toLocaleString('en')} terminals), ${PARTITIONS} partitions; Redis, the broker and the service share the machine.`,
    '',
    '| what | events/s (median) | runs | CPU µs per event: process, Redis (medians) |',
    '|---|---:|---|---|',
    ...Object.entries(service).flatMap(([engine, r]) => [
      `| scoring service draining a backlog, ${engineName(engine)} | ${r.median.toLocaleString('en')} | ${r.runs.join(', ')} | ${cpuCell(r)} |`,
      `| the bus alone, same backlog (read, parse, publish a Score, commit; no state, no model), ${engineName(engine)} | ${relay[engine].median.toLocaleString('en')} | ${relay[engine].runs.join(', ')} | ${cpuCell(relay[engine])} |`,
    ]),
    `| ScoreBatchService in process, batches of ${loadConfig(scoringEnv, { API_KEYS: API_KEY }).SCORING_MAX_BATCH} | ${report.sideBySide.batched.median.toLocaleString('en')} | ${batchedRuns.join(', ')} | |`,
    `| naive: one Redis round trip and one session.run per event | ${report.sideBySide.naive.median.toLocaleString('en')} | ${naiveRuns.join(', ')} | |`,
    '',
    "CPU per event: the stage's process from `/proc` and the Redis server from `INFO cpu`, over the timed part of each run (on Kafka the broker's is not counted). Two cores give 2,000,000 CPU µs a second in all: a stage at 50,000 events/s has 40 µs per event for all it needs, Redis included.",
    '',
    `Batched over naive, same ${SIDE_BY_SIDE_EVENTS.toLocaleString('en')} events, the two sides timed in turns of ${SIDE_BY_SIDE_CHUNK.toLocaleString('en')} events, per run: ${ratios.map((r) => `${r}×`).join(', ')} (median ${report.sideBySide.medianRatio}×).`,
    '',
    `The chargeback lookup (storing each batch's transactions for the chargebacks that will name them), written apart in turns with the same batches without it, ${lookup.events.toLocaleString('en')} events: +${lookup.microsPerEvent.process} µs of the process and +${lookup.microsPerEvent.redis} µs of Redis per event${
      Object.keys(service).length > 0
        ? ` (${Object.entries(service)
            .map(
              ([engine, r]) =>
                `${engineName(engine)}: ${(((lookup.microsPerEvent.process + lookup.microsPerEvent.redis) / ((r.cpuMicrosPerEvent.process ?? 0) + r.cpuMicrosPerEvent.redis - lookup.microsPerEvent.process - lookup.microsPerEvent.redis)) * 100).toFixed(1)}% over the stage without it`,
            )
            .join('; ')})`
        : ''
    }; Redis holds ${lookup.redisBytesPerTransaction} bytes per transaction kept (${lookup.transactions.toLocaleString('en')} transactions).`,
    '',
    `Per-batch processing time (a call of the handler, from the service's \`bus_handler_duration_seconds\` histogram) at ${BATCH_RATE.toLocaleString('en')} events/s for ${BATCH_SECONDS} s after a 5 s warm-up; what an event waited, from its publish's acknowledgement to its Score's \`scoredAt\` (a call holds the partitions one read or fetch brought, so longer calls can mean shorter waits); and the CPU per event meanwhile (Redis's includes the benchmark's appends):`,
    '',
    '| engine | calls | within 10 ms | p99 at most (histogram bucket) | published → scored, p50 / p99 ms | CPU µs per event: process, Redis |',
    '|---|---:|---:|---:|---:|---|',
    ...Object.entries(batchTimes).map(
      ([engine, t]) =>
        `| ${engineName(engine)} | ${t.batches} | ${t.sharePct10ms}% | ${t.p99AtMostMs} ms | ${t.publishedToScoredMs.p50} / ${t.publishedToScoredMs.p99} | ${t.cpuMicrosPerEvent.process ?? '?'}, ${t.cpuMicrosPerEvent.redis} |`,
    ),
    '',
  ].join('\n');
  writeBenchReport('scoring', report, markdown);
  process.exit(0);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
