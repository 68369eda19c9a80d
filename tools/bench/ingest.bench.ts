/**
 * `npm run bench:ingest`: events/s accepted by POST /v1/events with validation, enrichment and
 * durable publish, on each bus engine. Starts a real ingest process (its own topics), drives it
 * with keep-alive connections posting batches of unique events, and reads the accepted counts
 * from the responses. Writes bench/results/ingest.json and .md.
 */
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { createBus, silentBusLogger } from '@app/bus';
import { topicNames } from '@app/contracts';
import { startServiceProcess, stopServiceProcess } from '@app/testing';
import { benchArg as arg, benchCommand, benchMachine, cpuProfileArgs, writeBenchReport } from './bench-report';
import { median, percentiles } from './percentiles';

const BATCH = Number(arg('batch', '250'));
const CONNECTIONS = Number(arg('connections', '8'));
const SECONDS = Number(arg('seconds', '10'));
const RUNS = Number(arg('runs', '3'));
/**
 * Ingest processes side by side, one row each (ingest is stateless over HTTP; connections are spread
 * over the processes as a load balancer would). One process has one main thread: the second uses the
 * second core.
 */
const INSTANCE_COUNTS = arg('instances', '1,2').split(',').map(Number);
const engines: Record<string, string> = { redis: 'redis://127.0.0.1:6379/14', kafka: `kafka://${process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092'}` };
const selected = arg('engines', 'redis,kafka').split(',');
/** `--profile DIR` writes a V8 CPU profile of the ingest process there (open it in Chrome DevTools). */
const PROFILE_DIR = arg('profile', '');
const API_KEY = 'bench-key-123456';
/** Ingest's Redis (reference data, dedupe ids): a database of the benchmark's own, emptied after each run. */
const INGEST_REDIS_URL = 'redis://127.0.0.1:6379/14';
/**
 * Redis keeps ~80 bytes per event id for up to two dedupe windows: at 50k events/s the default
 * 10-minute window would hold ~5 GB, and every AOF rewrite would copy it. One minute holds ~0.5 GB.
 */
const DEDUPE_WINDOW_MS = Number(arg('dedupe-window-ms', '60000'));

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
];

/**
 * Addresses as traffic has them: nine events in ten come from the user's usual address (50,000
 * users, so 50,000 addresses: the geo cache's size), one in ten from an address never seen before.
 */
function ipOf(n: number, user: number): string {
  if (n % 10 === 9) return `${64 + (n % 31)}.${(n >> 5) & 255}.${(n >> 13) & 255}.${(n >> 21) & 255}`;
  return `81.${(user >> 8) & 255}.${user & 255}.${(user % 250) + 1}`;
}

let sequence = 0;
// The load generator shares the two cores with what it measures: events are written as text from a
// template (a third of JSON.stringify's cost), every value being JSON-safe as it stands.
function body(): string {
  const at = new Date(Date.now() - 1000).toISOString();
  const events: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const n = sequence++;
    const user = n % 50_000;
    events.push(
      `{"eventId":"bench-${process.pid}-${n}","type":"transaction","userId":"user-${user}","occurredAt":"${at}","amount":${(n % 20000) / 100},"currency":"EUR",` +
        `"merchantId":"m-${n % 400}","ip":"${ipOf(n, user)}","userAgent":"${USER_AGENTS[n % USER_AGENTS.length]}","deviceId":"d-${user}"}`,
    );
  }
  return `[${events.join(',')}]`;
}

function post(agent: Agent, port: number, payload: string): Promise<{ status: number; accepted: number }> {
  return new Promise((resolvePost, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/events',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolvePost({ status: res.statusCode ?? 0, accepted: res.statusCode === 202 ? JSON.parse(text).accepted : 0 });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function startIngest(busUrl: string, port: number, topicPrefix: string, consumers: boolean): Promise<ChildProcess> {
  const nodeArgs = [...cpuProfileArgs(PROFILE_DIR), ...(process.env.INGEST_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  return startServiceProcess(
    'ingest',
    port,
    {
      BUS_URL: busUrl,
      REDIS_URL: INGEST_REDIS_URL,
      INGEST_DEDUPE_WINDOW_MS: String(DEDUPE_WINDOW_MS),
      API_KEYS: API_KEY,
      INGEST_ROLES: consumers ? 'http,raw' : 'http',
      BUS_TOPIC_PREFIX: topicPrefix,
    },
    nodeArgs,
  );
}

async function drive(ports: number[], seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let accepted = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, connection) => {
      const port = ports[connection % ports.length];
      while (performance.now() < deadline) {
        const payload = body();
        const t = performance.now();
        const res = await post(agent, port, payload);
        latencies.push(performance.now() - t);
        if (res.status === 202) accepted += res.accepted;
        else failed++;
      }
    }),
  );
  agent.destroy();
  const elapsed = (performance.now() - started) / 1000;
  return { eventsPerSecond: Math.round(accepted / elapsed), failedRequests: failed, requestMs: percentiles(latencies, [50, 99]) };
}

/**
 * One run on fresh topics: start the instances, warm up, measure, stop, delete the topics. Runs do not
 * inherit each other's data: on Redis, a bus grown by earlier runs makes every AOF rewrite (a fork that
 * copies the whole dataset) longer, and each run would pay for its predecessors.
 */
async function measureRun(busUrl: string, instances: number) {
  const ports = Array.from({ length: instances }, (_, i) => 3901 + i);
  const topicPrefix = `bench-${Date.now().toString(36)}.`;
  // The first instance also runs ingest's consumer groups; the others only serve HTTP.
  const children = await Promise.all(ports.map((port, i) => startIngest(busUrl, port, topicPrefix, i === 0)));
  try {
    await drive(ports, 2); // warm-up: caches, JIT, connections
    return await drive(ports, SECONDS);
  } finally {
    await Promise.all(children.map(stopServiceProcess));
    const bus = createBus({ url: busUrl, clientId: 'ingest-bench', logger: silentBusLogger });
    await bus.deleteTopics(Object.values(topicNames(topicPrefix)));
    await bus.close();
    const redis = new Redis(INGEST_REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
  }
}

async function main() {
  const results = [];
  for (const engine of selected)
    for (const instances of INSTANCE_COUNTS) {
      const runs = [];
      for (let run = 1; run <= RUNS; run++) {
        runs.push(await measureRun(engines[engine], instances));
        process.stderr.write(
          `${engine} × ${instances} run ${run}/${RUNS}: ${runs[run - 1].eventsPerSecond} events/s, p99 request ${runs[run - 1].requestMs.p99.toFixed(1)} ms\n`,
        );
      }
      results.push({
        engine,
        instances,
        medianEventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
        runs: runs.map((r) => r.eventsPerSecond),
        requestMsP50: Number(median(runs.map((r) => r.requestMs.p50)).toFixed(2)),
        requestMsP99: Number(median(runs.map((r) => r.requestMs.p99)).toFixed(2)),
        failedRequests: runs.reduce((s, r) => s + r.failedRequests, 0),
      });
    }
  const report = {
    benchmark: 'ingest',
    at: new Date().toISOString(),
    command: benchCommand('bench:ingest'),
    machine: benchMachine(),
    settings: { batch: BATCH, connections: CONNECTIONS, instances: INSTANCE_COUNTS, seconds: SECONDS, runs: RUNS, dedupeWindowMs: DEDUPE_WINDOW_MS },
    results,
  };
  const md = [
    `# Ingest benchmark (${report.at})`,
    '',
    `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), Node ${report.machine.node}; ingest, bus, Redis and the load generator on the same machine.`,
    `POST /v1/events with ${BATCH} unique transaction events per request over ${CONNECTIONS} keep-alive connections spread over the row's ingest processes, ${SECONDS} s per run (each on fresh topics, after a 2 s warm-up), median of ${RUNS} runs. Each event validated, checked for duplicates, enriched (geo, User-Agent, Redis reference data) and durably published before the 202. Addresses: 90% the user's usual one (50,000 users), 10% never seen before; dedupe window ${DEDUPE_WINDOW_MS / 1000} s; the lake sink is off (npm run bench:lake measures it).`,
    '',
    '| engine | ingest processes | events/s accepted | runs | request p50 ms | request p99 ms | failed requests |',
    '|---|---:|---:|---|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.engine} | ${r.instances} | ${r.medianEventsPerSecond} | ${r.runs.join(', ')} | ${r.requestMsP50} | ${r.requestMsP99} | ${r.failedRequests} |`,
    ),
    '',
  ].join('\n');
  writeBenchReport('ingest', report, md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
