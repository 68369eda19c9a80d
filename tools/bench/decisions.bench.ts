/**
 * `npm run bench:decisions`: POST /v1/decisions beside the stream, on the whole suite (the services
 * built by `npm run build`, as the processes of SUITE_PROCESSES), per engine.
 * 1. The stream: the simulator's traffic at --stream-rate events/s (2,000) to POST /v1/events, all along.
 * 2. Decisions: the payments of another simulated population (its own customers), one per request,
 *    open loop at each of --rates (100, 500, 2,000) for --seconds after a --warm-up at the first rate,
 *    each phase after a quiet pause (what a phase left behind drains first): per request the time to
 *    its answer, and whether it was degraded.
 * 3. On Kafka, a Redis restart (--outage-ms down) in the middle of a phase at --outage-rate (100):
 *    answers by second, none hanging; every decided payment still scored, once, once Redis is back.
 * 4. Agreement: every decision answered by the model, against the Score the stream published on
 *    `scores` for the same event.
 * --profile DIR: each suite process writes its CPU profile (node --cpu-prof) to DIR/<name> as it stops.
 * On Redis Streams the benchmark owns Redis database 14; on Kafka it runs a Redis of its own, which it
 * restarts. Writes bench/results/decisions.json and .md.
 */
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { createBus, silentBusLogger, type BusRecord, type MessageBus } from '@app/bus';
import { topicNames, type Decision, type EventIn, type Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { collectTopic, createOwnDatabase, startOwnedRedis, stopServiceProcess, type OwnedServer, type SuiteProcessName } from '@app/testing';
import { simulationOptions } from '../simulate/simulate';
import { simulate, withIdPrefix } from '../simulate/simulation';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { startBenchSuite } from './bench-suite';
import { percentiles } from './percentiles';
import { kafkaBrokerCpuSeconds, postgresCpuSeconds, processCpuSeconds, redisCpuSeconds } from './process-usage';

const STREAM_RATE = Number(arg('stream-rate', '2000'));
const RATES = arg('rates', '100,500,2000').split(',').map(Number);
const OUTAGE_RATE = Number(arg('outage-rate', '100'));
const SECONDS = Number(arg('seconds', '30'));
const WARM_UP_SECONDS = Number(arg('warm-up', '10'));
const ENGINES = arg('engines', 'redis,kafka').split(',').filter(Boolean);
const OUTAGE_MS = Number(arg('outage-ms', '5000'));
/** A directory for every suite process's CPU profile (node --cpu-prof), written as each stops. */
const PROFILE_DIR = arg('profile', '');
const TIMEOUT_MS = 150;
/** Between phases: what one phase left queued (an overloaded one leaves much) is done before the next. */
const QUIET_MS = 10_000;
const API_KEY = 'bench-key-0123456789abcdef0123456789';
const SERVICES: Record<SuiteProcessName, number> = { ingest: 3961, scoring: 3962, 'profile-api': 3963, alerts: 3964, lake: 3965 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

interface Answer {
  eventId: string;
  /** performance.now() and Date.now() when asked, and ms to the answer. */
  at: number;
  wall: number;
  ms: number;
  /** ms from asking to the Score's scoredAt (scoring's clock, the same machine's): where the time went. */
  toScoredMs?: number;
  status: number;
  decision?: Decision;
}

/** One POST on a kept-alive connection (the load generator's own cost matters on two cores: no fetch). */
function post(path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: SERVICES.ingest,
        path,
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${API_KEY}`,
          'content-type': path === '/v1/events' ? 'application/x-ndjson' : 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Simulated events behind an id prefix of the run, with customers and shops of their own: an endless
 * supply. `take` hands out JSON ready to send, made before a phase starts (`prepare`): generating it
 * while timing would slow the load generator's own clock and inflate every latency it measures.
 */
function supply(seed: string, prefix: string, geo: GeoLookup, only?: (e: EventIn) => boolean) {
  let events = simulate(simulationOptions({ seed }, geo));
  let round = 0;
  const ready: Array<{ eventId: string; json: string }> = [];
  return {
    prepare(n: number) {
      while (ready.length < n) {
        const next = events.next();
        if (next.done) {
          events = simulate(simulationOptions({ seed: `${seed}${++round}` }, geo));
          continue;
        }
        if (only && !only(next.value.event)) continue;
        const event = withIdPrefix(next.value.event, `${prefix}${round}-`, { actors: true }) as EventIn & { eventId: string };
        ready.push({ eventId: event.eventId, json: JSON.stringify(event) });
      }
    },
    take: (n: number) => ready.splice(0, n),
  };
}

async function runEngine(engine: string, geo: GeoLookup) {
  const run = `bench-decide-${engine}-${Date.now().toString(36)}`;
  const owned: OwnedServer | null = engine === 'kafka' ? await startOwnedRedis() : null;
  const redisUrl = owned?.url ?? 'redis://127.0.0.1:6379/14';
  const busUrl = engine === 'kafka' ? `kafka://${process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092'}` : redisUrl;
  const database = await createOwnDatabase('bench_decide');
  const lakeDir = await mkdtemp(join(tmpdir(), 'bench-lake-'));
  const env = {
    API_KEYS: `ingest+decide=${API_KEY}`,
    BUS_URL: busUrl,
    BUS_TOPIC_PREFIX: `${run}.`,
    REDIS_URL: redisUrl,
    DATABASE_URL: database.url,
    LAKE_DIR: lakeDir,
    SCORING_STATE_PREFIX: run,
    WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
  };
  const processes = new Map<SuiteProcessName, ChildProcess>();
  const bus = createBus({ url: busUrl, clientId: 'bench-decisions', logger: silentBusLogger });
  const topics = topicNames(`${run}.`);
  try {
    await startBenchSuite(processes, SERVICES, env, PROFILE_DIR);
    const streamEvents = supply('1', `${run}-s`, geo);
    const payments = supply('2', `${run}-d`, geo, (e) => e.type === 'transaction');
    const answers: Answer[] = [];
    /** Stream requests ingest did not take (an overloaded ingest refuses or drops some): reported, as the decisions' are. */
    const streamRefused: string[] = [];
    let outstanding = 0;
    const ask = (event: { eventId: string; json: string }, record: Answer[] | null) => {
      const at = performance.now();
      const wall = Date.now();
      outstanding++;
      void post('/v1/decisions', `{"event":${event.json},"timeoutMs":${TIMEOUT_MS}}`)
        .finally(() => outstanding--)
        .then(
          ({ status, text }) => {
            const decision = status === 200 ? (JSON.parse(text) as Decision) : undefined;
            const toScoredMs = decision && !decision.degraded ? Date.parse(decision.decidedAt) - wall : undefined;
            record?.push({ eventId: event.eventId, at, wall, ms: performance.now() - at, toScoredMs, status, decision });
          },
          // An overloaded ingest may drop connections: refused, as a 503 is.
          () => record?.push({ eventId: event.eventId, at, wall, ms: performance.now() - at, status: 0 }),
        );
    };
    /** Both loads for `seconds`: the stream every 50 ms, decisions every 10 ms (open loop: nothing waits for answers). */
    const phase = async (rate: number, seconds: number, record: Answer[] | null, during?: (elapsed: number) => void) => {
      streamEvents.prepare(STREAM_RATE * seconds + STREAM_RATE);
      payments.prepare(rate * seconds + rate);
      const started = performance.now();
      for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
        const due = started + tick * 10;
        if (due > performance.now()) await sleep(due - performance.now());
        if (tick % 5 === 0 && STREAM_RATE > 0) {
          outstanding++;
          void post(
            '/v1/events',
            streamEvents
              .take(STREAM_RATE / 20)
              .map((e) => e.json)
              .join('\n'),
          )
            .finally(() => outstanding--)
            .then(
              ({ status }) => status !== 202 && streamRefused.push(`${status}`),
              (error: Error) => streamRefused.push(error.message),
            );
        }
        const due10ms = Math.floor(((tick + 1) * rate) / 100) - Math.floor((tick * rate) / 100);
        for (const event of payments.take(due10ms)) ask(event, record);
        during?.(performance.now() - started);
      }
      await sleep(2 * TIMEOUT_MS + 500); // the last answers
      // An overloaded phase leaves requests queued at ingest: the next one starts once they are answered.
      for (const until = Date.now() + 180_000; outstanding > 0 && Date.now() < until;) await sleep(200);
    };

    /**
     * A phase at OUTAGE_RATE with Redis killed a third of the way in and started again OUTAGE_MS later (before
     * the highest rate, which may leave the suite overloaded).
     */
    const redisRestart = async () => {
      if (!owned) return null;
      const measured: Answer[] = [];
      let killedAt = -1;
      let restarting: Promise<void> | null = null;
      await sleep(QUIET_MS);
      await phase(OUTAGE_RATE, SECONDS, measured, (elapsed) => {
        if (killedAt < 0 && elapsed >= (SECONDS * 1000) / 3) {
          killedAt = performance.now();
          restarting = owned
            .kill()
            .then(() => sleep(OUTAGE_MS))
            .then(() => owned.start());
        }
      });
      await restarting;
      answers.push(...measured);
      const summary = outageSummary(measured, killedAt, OUTAGE_RATE * SECONDS);
      console.error(`[bench:decisions] ${engine}, Redis restarted: ${JSON.stringify(summary)}`);
      return summary;
    };
    let outage: ReturnType<typeof outageSummary> | null = null;

    await phase(RATES[0], WARM_UP_SECONDS, null);
    const byRate: Record<string, ReturnType<typeof summarise> & { cores: Record<string, number>; hops?: ReturnType<typeof hopsOf> }> = {};
    const measuredByRate = new Map<number, Answer[]>();
    const cpuRedis = new Redis(redisUrl);
    for (const rate of RATES) {
      if (rate === RATES[RATES.length - 1] && owned) outage = await redisRestart();
      await sleep(QUIET_MS);
      const measured: Answer[] = [];
      const cpuBefore = await cpuSeconds(processes, cpuRedis, engine === 'kafka');
      const started = performance.now();
      await phase(rate, SECONDS, measured);
      const cores = coresUsed(cpuBefore, await cpuSeconds(processes, cpuRedis, engine === 'kafka'), (performance.now() - started) / 1000);
      answers.push(...measured);
      measuredByRate.set(rate, measured);
      byRate[rate] = { ...summarise(measured, rate * SECONDS), cores };
      console.error(`[bench:decisions] ${engine} at ${rate}/s: ${JSON.stringify(byRate[rate])}`);
    }

    cpuRedis.disconnect();
    if (streamRefused.length > 0)
      console.error(`[bench:decisions] ${engine}: ${streamRefused.length} stream requests not taken, the first: ${streamRefused[0]}`);

    // Agreement, and nothing lost: every decided payment has exactly one Score on `scores`.
    const decided = answers.filter((a) => a.status === 200);
    const wanted = new Set(decided.map((a) => a.eventId));
    const found = await readWanted(bus, topics.scores, topics.invalid, wanted, 300_000, (record) => JSON.parse(record.value.toString()) as Score);
    const appended = await readWanted(bus, topics.enriched, topics.invalid, wanted, 120_000, appendTimes);
    for (const [rate, measured] of measuredByRate) byRate[rate].hops = hopsOf(measured, appended);
    const byModel = decided.filter((a) => !a.decision?.degraded);
    const agreeing = byModel.filter((a) => {
      const [score] = found.get(a.eventId) ?? [];
      return score !== undefined && score.score === a.decision?.score && score.decision === a.decision?.decision;
    });
    const agreement = {
      compared: byModel.length,
      agreeing: agreeing.length,
      decidedScoredOnce: [...found.values()].filter((s) => s.length === 1).length,
      decided: decided.length,
      scoredTwice: [...found.values()].filter((s) => s.length > 1).length,
    };
    console.error(`[bench:decisions] ${engine}, agreement: ${JSON.stringify(agreement)}`);
    return { byRate, outage, agreement, streamRequestsRefused: streamRefused.length };
  } finally {
    await Promise.all([...processes.values()].map(stopServiceProcess));
    await bus.deleteTopics(Object.values(topics)).catch(() => undefined);
    await bus.close();
    await database.drop();
    await rm(lakeDir, { recursive: true, force: true });
    if (owned) await owned.dispose();
    else {
      const redis = new Redis(redisUrl);
      await redis.flushdb();
      redis.disconnect();
    }
  }
}

/** CPU seconds so far of the suite's processes, Redis, Postgres (every backend), the Kafka broker when it is the bus, and this process (the load generator). */
async function cpuSeconds(processes: Map<SuiteProcessName, ChildProcess>, redis: Redis, kafka: boolean): Promise<Record<string, number>> {
  const own = process.cpuUsage();
  return {
    ...Object.fromEntries([...processes].map(([name, child]) => [name, processCpuSeconds(child.pid as number) ?? Number.NaN])),
    redis: await redisCpuSeconds(redis),
    postgres: [...postgresCpuSeconds().values()].reduce((a, b) => a + b, 0),
    ...(kafka ? { kafka: kafkaBrokerCpuSeconds() } : {}),
    'load generator': (own.user + own.system) / 1e6,
  };
}

/** Cores each process used between two readings over `seconds`, and their total (two cores: 2). */
function coresUsed(from: Record<string, number>, to: Record<string, number>, seconds: number): Record<string, number> {
  const cores = Object.fromEntries(Object.keys(to).map((name) => [name, Math.round(((to[name] - from[name]) / seconds) * 100) / 100]));
  return { ...cores, total: Math.round(Object.values(cores).reduce((a, b) => a + b, 0) * 100) / 100 };
}

function summarise(answers: Answer[], asked: number) {
  const ok = answers.filter((a) => a.status === 200);
  const degraded = ok.filter((a) => a.decision?.degraded);
  const ms = percentiles(
    answers.map((a) => a.ms),
    [50, 99],
  );
  const toScored = percentiles(
    answers.flatMap((a) => (a.toScoredMs === undefined ? [] : [a.toScoredMs])),
    [50, 99],
  );
  return {
    asked,
    answered: answers.length,
    ok: ok.length,
    degraded: degraded.length,
    degradedShare: ok.length > 0 ? degraded.length / ok.length : 0,
    refused: answers.length - ok.length,
    p50Ms: round(ms.p50),
    p99Ms: round(ms.p99),
    maxMs: round(Math.max(...answers.map((a) => a.ms))),
    toScoredP50Ms: round(toScored.p50),
    toScoredP99Ms: round(toScored.p99),
  };
}

/** Every record on `topic` of the wanted events, parsed, by event id: read until each has one or `waitMs` has passed. */
async function readWanted<T extends { eventId: string }>(
  bus: MessageBus,
  topic: string,
  deadLetterTopic: string,
  wanted: Set<string>,
  waitMs: number,
  parse: (record: BusRecord) => T,
): Promise<Map<string, T[]>> {
  const collected = await collectTopic(bus, topic, deadLetterTopic);
  const found = new Map<string, T[]>();
  let read = 0;
  for (const deadline = Date.now() + waitMs; ; await sleep(500)) {
    for (; read < collected.records.length; read++) {
      const value = parse(collected.records[read]);
      if (wanted.has(value.eventId)) found.set(value.eventId, [...(found.get(value.eventId) ?? []), value]);
    }
    if (found.size === wanted.size || Date.now() > deadline) break;
  }
  await collected.consumer.stop();
  return found;
}

/** When ingest took up an event of `events.enriched` (its `receivedAt`) and when the bus had it (the record's time). */
function appendTimes(record: BusRecord) {
  const event = JSON.parse(record.value.toString()) as { eventId: string; receivedAt: string };
  return { eventId: event.eventId, receivedAt: Date.parse(event.receivedAt), appendedAt: record.timestamp };
}

/**
 * Where a model's answer spent its time, hop by hop (ms, one clock: every process is on this machine):
 * asked → ingest took it up (the request's queueing and parsing) → the bus had it (enrichment and the
 * publish; on Kafka the record's time is the producer's) → scoring scored it (the wait for the owner's batch, and the batch) → answered (the reply's way
 * back). The median of each hop over all answers, and over the slowest 1% of them.
 */
function hopsOf(answers: Answer[], appended: Map<string, Array<ReturnType<typeof appendTimes>>>) {
  const timed = answers.flatMap((a) => {
    const [at] = appended.get(a.eventId) ?? [];
    if (!at || a.decision === undefined || a.decision.degraded) return [];
    const scoredAt = Date.parse(a.decision.decidedAt);
    return [{ ms: a.ms, hops: [at.receivedAt - a.wall, at.appendedAt - at.receivedAt, scoredAt - at.appendedAt, a.wall + a.ms - scoredAt] }];
  });
  const slowest = [...timed].sort((a, b) => b.ms - a.ms).slice(0, Math.max(1, Math.ceil(timed.length / 100)));
  const medians = (list: typeof timed) =>
    [0, 1, 2, 3].map((i) =>
      round(
        percentiles(
          list.map((t) => t.hops[i]),
          [50],
        ).p50,
      ),
    );
  const names = ['toIngest', 'toAppended', 'toScored', 'toAnswered'] as const;
  const named = (values: number[]) => Object.fromEntries(names.map((n, i) => [n, values[i]])) as Record<(typeof names)[number], number>;
  return { timed: timed.length, all: named(medians(timed)), slowestPercent: named(medians(slowest)) };
}

/** Answers of the phase with the Redis restart, by second from the kill: how many, how many degraded, the slowest. */
function outageSummary(answers: Answer[], killedAt: number, asked: number) {
  const seconds = new Map<number, Answer[]>();
  for (const a of answers) {
    const second = Math.floor((a.at - killedAt) / 1000);
    seconds.set(second, [...(seconds.get(second) ?? []), a]);
  }
  return {
    ...summarise(answers, asked),
    bySecond: [...seconds]
      .sort(([a], [b]) => a - b)
      .map(([second, list]) => ({
        second,
        answered: list.length,
        degraded: list.filter((a) => a.decision?.degraded).length,
        refused: list.filter((a) => a.status !== 200).length,
        maxMs: round(Math.max(...list.map((a) => a.ms))),
      })),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const geo = await GeoLookup.open();
  const results: Record<string, Awaited<ReturnType<typeof runEngine>>> = {};
  for (const engine of ENGINES) results[engine] = await runEngine(engine, geo);
  const report = {
    command: benchCommand('bench:decisions'),
    machine: benchMachine(),
    at: new Date().toISOString(),
    streamRate: STREAM_RATE,
    timeoutMs: TIMEOUT_MS,
    seconds: SECONDS,
    outageMs: OUTAGE_MS,
    engines: results,
  };
  const engineName = (engine: string) => (engine === 'kafka' ? 'Kafka' : 'Redis Streams');
  writeBenchReport(
    'decisions',
    report,
    [
      '# Decisions benchmark',
      '',
      `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.at}. The whole suite as processes (compiled), the stream at ${STREAM_RATE.toLocaleString('en')} events/s to POST /v1/events all along, and single-payment decisions (\`timeoutMs\` ${TIMEOUT_MS}) from another simulated population, open loop, for ${SECONDS} s per rate; load generator on the same machine.`,
      '',
      '| bus | decisions/s | answered | p50 ms | p99 ms | max ms | of which to scored, p50 / p99 ms | degraded | refused (429/503, connection dropped) | CPU, cores of 2 |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...Object.entries(results).flatMap(([engine, r]) =>
        Object.entries(r.byRate).map(
          ([rate, s]) =>
            `| ${engineName(engine)} | ${rate} | ${s.answered.toLocaleString('en')} | ${s.p50Ms} | ${s.p99Ms} | ${s.maxMs} | ${s.toScoredP50Ms} / ${s.toScoredP99Ms} | ${s.degraded} (${(s.degradedShare * 100).toFixed(2)}%) | ${s.refused} | ${s.cores.total} |`,
        ),
      ),
      '',
      "\"To scored\": from asking to the Score's `scoredAt`, for the answers the model gave (ingest, the bus and scoring's wait and work; the rest is the reply's way back).",
      '',
      "Where a model's answer spent its time, hop by hop, ms (the median of each hop; every process on this machine's clock, to the ms): asked → ingest took it up (`receivedAt`: the request's queueing and parsing) → the bus had it (the record's time: on Redis Streams its append, on Kafka when ingest's producer took it; enrichment and the publish) → scoring scored it (`scoredAt`: the wait for the owner's batch, and the batch) → answered (the reply's way back).",
      '',
      '| bus | decisions/s | answers timed | to ingest | to appended | to scored | to answered | slowest 1%: to ingest | to appended | to scored | to answered |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...Object.entries(results).flatMap(([engine, r]) =>
        Object.entries(r.byRate).flatMap(([rate, { hops }]) =>
          hops
            ? [
                `| ${engineName(engine)} | ${rate} | ${hops.timed.toLocaleString('en')} | ${Object.values(hops.all).join(' | ')} | ${Object.values(hops.slowestPercent).join(' | ')} |`,
              ]
            : [],
        ),
      ),
      '',
      '',
      'CPU by process, cores (the stream and the decisions together; Postgres: every backend; on Kafka the broker too, as kafka):',
      '',
      ...Object.entries(results).flatMap(([engine, r]) =>
        Object.entries(r.byRate).map(
          ([rate, s]) =>
            `- ${engineName(engine)} at ${rate}/s: ${Object.entries(s.cores)
              .filter(([name]) => name !== 'total')
              .map(([name, c]) => `${name} ${c}`)
              .join(', ')}`,
        ),
      ),
      '',
      ...Object.entries(results).flatMap(([engine, r]) =>
        r.outage
          ? [
              `Redis killed (\`kill -9\`) ${(SECONDS / 3).toFixed(0)} s into a phase at ${OUTAGE_RATE}/s on ${engineName(engine)}, started again ${OUTAGE_MS / 1000} s later: ${r.outage.answered.toLocaleString('en')} answered of ${r.outage.asked.toLocaleString('en')} asked, ${r.outage.degraded} degraded, ${r.outage.refused} refused, slowest ${r.outage.maxMs} ms. By second from the kill:`,
              '',
              '| second | answered | degraded | refused | slowest ms |',
              '|---:|---:|---:|---:|---:|',
              ...r.outage.bySecond.map((s) => `| ${s.second} | ${s.answered} | ${s.degraded} | ${s.refused} | ${s.maxMs} |`),
              '',
            ]
          : [],
      ),
      ...Object.entries(results).flatMap(([engine, r]) =>
        r.streamRequestsRefused > 0
          ? [`On ${engineName(engine)}, ${r.streamRequestsRefused} of the stream's requests (100 events each) were not taken by the overloaded ingest.`, '']
          : [],
      ),
      'Agreement: each decision the model made, against the Score the stream published on `scores` for the same event; and how many Scores each decided payment has there (two: on Kafka, a batch done again after Redis failed between publishing and storing, the same Score again, which consumers recognise by its id; none would be a lost event).',
      '',
      '| bus | decisions compared | equal score and verdict | decided | with one Score | with two |',
      '|---|---:|---:|---:|---:|---:|',
      ...Object.entries(results).map(
        ([engine, r]) =>
          `| ${engineName(engine)} | ${r.agreement.compared.toLocaleString('en')} | ${r.agreement.agreeing.toLocaleString('en')} | ${r.agreement.decided.toLocaleString('en')} | ${r.agreement.decidedScoredOnce.toLocaleString('en')} | ${r.agreement.scoredTwice} |`,
      ),
      '',
    ].join('\n'),
  );
  process.exit(0);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
