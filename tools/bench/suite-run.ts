/**
 * One run of the whole suite for `npm run bench` (suite.bench.ts): start the suite's processes, measure
 * latency and memory at a steady rate, then a burst's throughput and CPU per event, then what the stores
 * hold. The processes come from `start`, so the same run drives this checkout's suite or another
 * commit's (`--against`, suite-against.ts) on the same traffic.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import type { Alert, EventIn } from '@app/contracts';
import type { GeoLookup } from '@app/enrichment';
import { createBus, silentBusLogger } from '@app/bus';
import { topicNames } from '@app/contracts';
import { SUITE_PROCESS_NAMES, createOwnDatabase, metricSum, startWebhookReceiver, stopServiceProcess, type SuiteProcessName } from '@app/testing';
import { simulationOptions } from '../simulate/simulate';
import { simulate, withIdPrefix } from '../simulate/simulation';
import {
  PostgresCpuSampler,
  kafkaBrokerCpuSeconds,
  postgresCpuBetween,
  postgresCpuSeconds,
  processCpuSeconds,
  redisCpuSeconds,
  residentMb,
} from './process-usage';
import { cpuProfileArgs } from './bench-report';
import { percentiles } from './percentiles';
import { perMillionEvents, storageUsage, type StorageUsage } from './storage-usage';

/** Starts one of the suite's processes, compiled, and resolves once it is ready (libs/testing's startSuiteProcess, of one commit or another). */
export type StartSuiteProcess = (
  name: SuiteProcessName,
  port: number,
  env: Record<string, string>,
  options: { compiled: boolean; prioritised: boolean; nodeArgs?: string[] },
) => Promise<ChildProcess>;

export interface SuiteRunOptions {
  start: StartSuiteProcess;
  geo: GeoLookup;
  /** The bus: this Redis (Redis Streams), or a Kafka broker (`kafka://...`; Redis then holds scoring's state only). */
  busUrl: string;
  redisUrl: string;
  rate: number;
  seconds: number;
  warmUpSeconds: number;
  burst: number;
  /** `model`: the shipped model and default rules alone in the burst; `rule`: the latency phase's rule too. */
  burstAlerts: 'model' | 'rule';
  /** When set, every service writes its V8 CPU profile (node --cpu-prof) to <profileDir>/<name> as it stops. */
  profileDir?: string;
}

export interface SuiteRun {
  latency: {
    alerts: number;
    ms: Record<string, number>;
    acceptedToRaisedMs: Record<string, number>;
    raisedToReceivedMs: Record<string, number>;
    samples: number[];
  };
  throughput: {
    events: number;
    alertsRaised: number;
    ingestAcceptedPerSecond: number;
    allStagesPerSecond: number;
    stagePerSecond: Record<string, number>;
    lakeFiles: number;
    cpuMicrosPerEvent: ReturnType<typeof cpuPerEvent> | null;
  };
  rssMb: Record<string, { steadyMax: number; burstMax: number }>;
  storage: { events: number; alerts: number; bytes: StorageUsage; mbPerMillionEvents: Record<string, number> };
}

const API_KEY = 'bench-key-123456';
const PORTS: Record<SuiteProcessName, number> = { ingest: 3961, scoring: 3962, 'profile-api': 3963, alerts: 3964, lake: 3965 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const metric = (service: SuiteProcessName, name: string, filter = '') => metricSum(`http://127.0.0.1:${PORTS[service]}`, name, filter);
const rounded = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v.toFixed(2))]));

/** Empties the benchmark's Redis database: runs must not pile up streams and state. */
export async function emptyRedis(url: string): Promise<void> {
  const redis = new Redis(url);
  await redis.flushdb();
  await redis.quit();
}

export async function runSuite(options: SuiteRunOptions): Promise<SuiteRun> {
  const { rate, seconds, warmUpSeconds } = options;
  await emptyRedis(options.redisUrl);
  const run = `bench-suite-${Date.now().toString(36)}`;
  const database = await createOwnDatabase('bench_suite');
  const lakeDir = await mkdtemp(join(tmpdir(), 'bench-lake-'));
  const env = {
    API_KEYS: API_KEY,
    BUS_URL: options.busUrl,
    BUS_TOPIC_PREFIX: `${run}.`,
    REDIS_URL: options.redisUrl,
    DATABASE_URL: database.url,
    LAKE_DIR: lakeDir,
    // A roll is cut by its bytes under a backlog; the interval only holds the burst's last, partial roll
    // (up to 10 s by default), which the lake stage's time would count as if it were work (as in bench:lake).
    LAKE_ROLL_INTERVAL_MS: '1000',
    SCORING_STATE_PREFIX: run,
    WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
  };
  const processes = new Map<SuiteProcessName, ChildProcess>();
  const receivedAt = new Map<string, number>();
  const raisedAt = new Map<string, number>();
  const receiver = await startWebhookReceiver((message, res) => {
    res.end('ok');
    const { eventId, raisedAt: raised } = JSON.parse(message.body) as Alert;
    if (receivedAt.has(eventId)) return;
    receivedAt.set(eventId, performance.now());
    raisedAt.set(eventId, performance.now() - (Date.now() - Date.parse(raised))); // scoring's wall clock, on this machine
  });
  try {
    for (const name of SUITE_PROCESS_NAMES) {
      const nodeArgs = cpuProfileArgs(options.profileDir ? `${options.profileDir}/${name}` : '');
      processes.set(name, await options.start(name, PORTS[name], env, { compiled: true, prioritised: true, nodeArgs }));
    }
    const registered = await fetch(`http://127.0.0.1:${PORTS.alerts}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url }),
    });
    if (registered.status !== 201) throw new Error(`registering the receiver failed: ${registered.status} ${await registered.text()}`);
    // The same seed every run: every run, of either commit, gets the same traffic.
    const events = simulate(simulationOptions({}, options.geo));
    let sentInAll = 0;
    const take = (n: number) => {
      const out: Array<EventIn & { eventId: string }> = [];
      while (out.length < n) {
        const next = events.next();
        if (next.done) break;
        out.push(withIdPrefix(next.value.event, `${run}-`));
      }
      sentInAll += out.length;
      return out;
    };
    const post = async (batch: Array<EventIn & { eventId: string }>) => {
      const response = await fetch(`http://127.0.0.1:${PORTS.ingest}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/x-ndjson' },
        body: batch.map((e) => JSON.stringify(e)).join('\n'),
      });
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
      await response.arrayBuffer();
      return performance.now();
    };

    // The model alerts on ~1 event in 2,000 here: too few to rank a p99, so a rule also alerts on
    // payments of 100 or more (the same path from scoring to the receiver as the model's alerts).
    const rule = await fetch(`http://127.0.0.1:${PORTS.scoring}/v1/rules/bench-large-payments`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        when: [{ feature: 'event.amount', op: '>=', value: 100 }],
        eventTypes: ['transaction'],
        action: 'alert',
        reasonCode: 'BENCH_LARGE_PAYMENT',
      }),
    });
    if (rule.status !== 201) throw new Error(`adding the benchmark's rule failed: ${rule.status} ${await rule.text()}`);

    // 1. Latency and memory at a steady rate (after a warm-up at that rate, not measured), every 50 ms a request.
    const memory = new Map<SuiteProcessName, number[]>();
    const sampleMemory = () => processes.forEach((p, s) => memory.set(s, [...(memory.get(s) ?? []), residentMb(p.pid as number)]));
    const acceptedAt = new Map<string, number>();
    const failures: string[] = [];
    const steady = async (phaseSeconds: number, record: boolean) => {
      const started = performance.now();
      const sampler = record ? setInterval(sampleMemory, 2_000) : undefined;
      for (let tick = 0; performance.now() - started < phaseSeconds * 1000; tick++) {
        const due = started + tick * 50;
        if (due > performance.now()) await sleep(due - performance.now());
        const batch = take(rate / 20);
        // Not awaited (the rate must not wait for answers); a failure is reported after the phase.
        void post(batch).then(
          (at) => record && batch.forEach((e) => acceptedAt.set(e.eventId, at)),
          (error: Error) => failures.push(error.message),
        );
      }
      await sleep(5_000); // stragglers
      clearInterval(sampler);
      if (failures.length > 0) throw new Error(`${failures.length} requests failed at ${rate} events/s, the first: ${failures[0]}`);
    };
    await steady(warmUpSeconds, false);
    await steady(seconds, true);
    const steadyRss = new Map([...memory].map(([s, values]) => [s, Math.max(...values)]));
    const latencies = [...receivedAt].filter(([eventId]) => acceptedAt.has(eventId)).map(([eventId, at]) => at - (acceptedAt.get(eventId) as number));
    const latency = percentiles(latencies, [50, 90, 99]);
    // Where the time goes: 202 → scoring raised the alert (bus, scoring, one hop), then raised → received (bus, alerts, delivery).
    const measured = [...receivedAt.keys()].filter((eventId) => acceptedAt.has(eventId));
    const toRaised = percentiles(
      measured.map((id) => (raisedAt.get(id) as number) - (acceptedAt.get(id) as number)),
      [50, 99],
    );
    const toReceived = percentiles(
      measured.map((id) => (receivedAt.get(id) as number) - (raisedAt.get(id) as number)),
      [50, 99],
    );
    console.error(`[bench] latency at ${rate}/s: ${latencies.length} alerts, p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`);
    console.error(
      `[bench] 202 → raised p50 ${toRaised.p50.toFixed(1)} p99 ${toRaised.p99.toFixed(1)} ms; raised → received p50 ${toReceived.p50.toFixed(1)} p99 ${toReceived.p99.toFixed(1)} ms`,
    );
    console.error(`[bench] resident MB at ${rate}/s: ${JSON.stringify(Object.fromEntries(steadyRss))}`);

    // 2. Throughput: a burst, and how long until every stage has it all.
    if (options.burstAlerts === 'model') {
      const removed = await fetch(`http://127.0.0.1:${PORTS.scoring}/v1/rules/bench-large-payments`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      if (!removed.ok) throw new Error(`removing the benchmark's rule failed: ${removed.status} ${await removed.text()}`); // scoring reads the rules' version with every batch
    }
    memory.clear();
    const burst = take(options.burst);
    // Profiles fold Scores: every event but the chargebacks, which scoring applies without scoring.
    const scoredInBurst = burst.filter((event) => event.type !== 'chargeback').length;
    const alertsBeforeBurst = await metric('scoring', 'scoring_alerts_raised_total');
    const progress = () =>
      Promise.all([
        metric('scoring', 'bus_records_consumed_total', 'group="'),
        metric('profile-api', 'bus_records_consumed_total', 'scores"'),
        metric('lake', 'lake_rows_written_total'),
      ]);
    const [scoredBefore, foldedBefore, lakeBefore] = await progress();
    const lakeFilesBefore = await metric('lake', 'lake_files_written_total');
    const burstSampler = setInterval(sampleMemory, 2_000);
    const cpuBefore = await cpuSeconds(processes, options.redisUrl, options.busUrl !== options.redisUrl);
    const postgresCpu = new PostgresCpuSampler(database.url);
    await postgresCpu.sample();
    const postgresSampler = setInterval(() => void postgresCpu.sample().catch(() => undefined), 1_000);
    const burstStart = performance.now();
    let sentBy = 0;
    const stageDoneAt: Record<string, number> = {};
    // Cleared on failure too: a sample of a stopped service would throw over the real error.
    try {
      for (let i = 0; i < burst.length; i += 2_000) {
        // An empty request is a 400: a burst that is not a multiple of 2,000 ends with fewer than four.
        await Promise.all(
          [0, 500, 1000, 1500]
            .map((k) => burst.slice(i + k, i + k + 500))
            .filter((b) => b.length > 0)
            .map(post),
        );
      }
      sentBy = performance.now();
      for (;;) {
        const [scored, folded, lake] = await progress();
        const done = {
          scoring: scored - scoredBefore >= burst.length,
          profiles: folded - foldedBefore >= scoredInBurst,
          lake: lake - lakeBefore >= burst.length,
        };
        for (const [stage, all] of Object.entries(done)) if (all) stageDoneAt[stage] ??= performance.now();
        if (Object.keys(stageDoneAt).length === 3) break;
        if (performance.now() - burstStart > 600_000) throw new Error('the suite did not catch up within 10 minutes');
        await sleep(200);
      }
    } finally {
      clearInterval(burstSampler);
      clearInterval(postgresSampler);
    }
    await postgresCpu.sample();
    const cpuAfter = { ...(await cpuSeconds(processes, options.redisUrl, options.busUrl !== options.redisUrl)), postgres: postgresCpu.seconds };
    const cpu = burst.length > 0 ? cpuPerEvent(cpuBefore, cpuAfter, postgresCpu.names, burst.length) : null;
    if (cpu) console.error(`[bench] burst, CPU µs per event: ${JSON.stringify(cpu)}`);
    // Simulated history spans many event-time hours, and each roll writes a file per hour folder it touches.
    const lakeFiles = (await metric('lake', 'lake_files_written_total')) - lakeFilesBefore;
    const burstAlerts = (await metric('scoring', 'scoring_alerts_raised_total')) - alertsBeforeBurst;
    const burstRss = new Map([...memory].map(([s, values]) => [s, Math.max(...values)]));
    const perSecond = (at: number) => Math.round(burst.length / ((at - burstStart) / 1000));
    const stageRates = Object.fromEntries(Object.entries(stageDoneAt).map(([stage, at]) => [stage, perSecond(at)]));
    const throughput = perSecond(Math.max(...Object.values(stageDoneAt)));
    const ingestRate = perSecond(sentBy);
    console.error(
      `[bench] burst of ${burst.length}: ingest took ${ingestRate}/s; every stage done at ${throughput}/s (${JSON.stringify(stageRates)}); ${lakeFiles} lake files`,
    );

    // 3. What the stores hold for every event sent.
    const alertsRaised = await metric('scoring', 'scoring_alerts_raised_total');
    const redis = new Redis(options.redisUrl);
    const storage = await storageUsage(redis, { topicPrefix: `${run}.`, statePrefix: run, databaseUrl: database.url, lakeDir }).finally(() =>
      redis.disconnect(),
    );
    const storagePerMillion = perMillionEvents(storage, sentInAll);
    console.error(`[bench] storage, MB per million events (${sentInAll} sent): ${JSON.stringify(storagePerMillion)}`);

    return {
      latency: {
        alerts: latencies.length,
        ms: rounded(latency),
        acceptedToRaisedMs: rounded(toRaised),
        raisedToReceivedMs: rounded(toReceived),
        samples: latencies,
      },
      throughput: {
        events: burst.length,
        alertsRaised: burstAlerts,
        ingestAcceptedPerSecond: ingestRate,
        allStagesPerSecond: throughput,
        stagePerSecond: stageRates,
        lakeFiles,
        cpuMicrosPerEvent: cpu,
      },
      rssMb: Object.fromEntries([...steadyRss].map(([s, steadyMax]) => [s, { steadyMax, burstMax: burstRss.get(s) as number }])),
      storage: { events: sentInAll, alerts: alertsRaised, bytes: storage, mbPerMillionEvents: storagePerMillion },
    };
  } finally {
    await Promise.all([...processes.values()].map(stopServiceProcess));
    await receiver.close();
    await database.drop();
    await rm(lakeDir, { recursive: true, force: true });
    await emptyRedis(options.redisUrl);
    if (options.busUrl !== options.redisUrl) await deleteRunTopics(options.busUrl, `${run}.`);
  }
}

/** A run's topics on Kafka go with it (on Redis Streams, emptying the database took them). */
async function deleteRunTopics(busUrl: string, prefix: string): Promise<void> {
  const bus = createBus({ url: busUrl, clientId: 'bench-suite', logger: silentBusLogger });
  try {
    await bus.deleteTopics(Object.values(topicNames(prefix)));
  } finally {
    await bus.close();
  }
}

/** CPU seconds so far of each suite process, Redis, the Kafka broker when it is the bus, every Postgres process and this process (the load generator). */
async function cpuSeconds(processes: Map<SuiteProcessName, ChildProcess>, redisUrl: string, kafka: boolean) {
  const redis = new Redis(redisUrl);
  const own = process.cpuUsage();
  try {
    return {
      services: new Map([...processes].map(([name, child]) => [name, processCpuSeconds(child.pid as number) ?? Number.NaN])),
      redis: await redisCpuSeconds(redis),
      kafka: kafka ? kafkaBrokerCpuSeconds() : null,
      postgres: postgresCpuSeconds(),
      load: (own.user + own.system) / 1e6,
    };
  } finally {
    redis.disconnect();
  }
}

/** CPU µs per event between two readings: by process with their total, and Postgres's part by the client its backends served. */
function cpuPerEvent(
  from: Awaited<ReturnType<typeof cpuSeconds>>,
  to: Awaited<ReturnType<typeof cpuSeconds>>,
  postgresNames: Map<number, string>,
  events: number,
) {
  const postgres = postgresCpuBetween(from.postgres, to.postgres, postgresNames);
  const seconds: Record<string, number> = {
    ...Object.fromEntries([...to.services].map(([name, s]) => [name, s - (from.services.get(name) as number)])),
    redis: to.redis - from.redis,
    ...(to.kafka !== null && from.kafka !== null ? { kafka: to.kafka - from.kafka } : {}),
    postgres: [...postgres.values()].reduce((a, b) => a + b, 0),
    'load generator': to.load - from.load,
  };
  seconds.total = Object.values(seconds).reduce((a, b) => a + b, 0);
  const perEvent = (s: number) => Math.round((s * 1e6) / events);
  return {
    byProcess: Object.fromEntries(Object.entries(seconds).map(([name, s]) => [name, perEvent(s)])),
    postgresByClient: Object.fromEntries([...postgres].map(([name, s]) => [name, perEvent(s)])),
  };
}
