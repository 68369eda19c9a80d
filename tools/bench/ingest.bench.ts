/**
 * `npm run bench:ingest`: events/s accepted by POST /v1/events with validation, enrichment and
 * durable publish, on each bus engine. Starts a real ingest process (its own topics), drives it
 * with keep-alive connections posting batches of unique events, and reads the accepted counts
 * from the responses. Writes bench/results/ingest.json and .md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { median, percentiles } from './percentiles';

const BATCH = Number(arg('batch', '250'));
const CONNECTIONS = Number(arg('connections', '8'));
const SECONDS = Number(arg('seconds', '10'));
const RUNS = Number(arg('runs', '3'));
const engines: Record<string, string> = { redis: 'redis://127.0.0.1:6379/14', kafka: `kafka://${process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092'}` };
const selected = arg('engines', 'redis,kafka').split(',');
const API_KEY = 'bench-key-123456';
const root = resolve(__dirname, '../..');

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
];

let sequence = 0;
function body(): string {
  const at = new Date(Date.now() - 1000).toISOString();
  const events: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    const n = sequence++;
    const user = n % 50_000;
    events.push(JSON.stringify({
      eventId: `bench-${process.pid}-${n}`, type: 'transaction', userId: `user-${user}`, occurredAt: at, amount: (n % 20000) / 100, currency: 'EUR',
      merchantId: `m-${n % 400}`, ip: `81.${(user >> 8) & 255}.${user & 255}.${n % 7}`, userAgent: USER_AGENTS[n % USER_AGENTS.length], deviceId: `d-${user}`,
    }));
  }
  return `[${events.join(',')}]`;
}

function post(agent: Agent, port: number, payload: string): Promise<{ status: number; accepted: number }> {
  return new Promise((resolvePost, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/events', method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolvePost({ status: res.statusCode ?? 0, accepted: res.statusCode === 202 ? JSON.parse(text).accepted : 0 });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function startIngest(busUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/ingest/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), BUS_URL: busUrl, REDIS_URL: 'redis://127.0.0.1:6379/14', API_KEYS: API_KEY, LOG_LEVEL: 'warn', BUS_TOPIC_PREFIX: `bench-${Date.now().toString(36)}.` },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGKILL');
  throw new Error('ingest did not become ready');
}

async function drive(port: number, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let accepted = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < deadline) {
      const payload = body();
      const t = performance.now();
      const res = await post(agent, port, payload);
      latencies.push(performance.now() - t);
      if (res.status === 202) accepted += res.accepted;
      else failed++;
    }
  }));
  agent.destroy();
  const elapsed = (performance.now() - started) / 1000;
  return { eventsPerSecond: Math.round(accepted / elapsed), failedRequests: failed, requestMs: percentiles(latencies, [50, 99]) };
}

async function main() {
  const results = [];
  for (const engine of selected) {
    const port = 3901;
    const child = await startIngest(engines[engine], port);
    try {
      await drive(port, 2); // warm-up: caches, JIT, connections
      const runs = [];
      for (let run = 1; run <= RUNS; run++) {
        runs.push(await drive(port, SECONDS));
        process.stderr.write(`${engine} run ${run}/${RUNS}: ${runs[run - 1].eventsPerSecond} events/s, p99 request ${runs[run - 1].requestMs.p99.toFixed(1)} ms\n`);
      }
      results.push({
        engine,
        medianEventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
        runs: runs.map((r) => r.eventsPerSecond),
        requestMsP50: Number(median(runs.map((r) => r.requestMs.p50)).toFixed(2)),
        requestMsP99: Number(median(runs.map((r) => r.requestMs.p99)).toFixed(2)),
        failedRequests: runs.reduce((s, r) => s + r.failedRequests, 0),
      });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  const report = {
    benchmark: 'ingest', at: new Date().toISOString(), command: benchCommand('bench:ingest'),
    machine: benchMachine(),
    settings: { batch: BATCH, connections: CONNECTIONS, seconds: SECONDS, runs: RUNS }, results,
  };
  const md = [
    `# Ingest benchmark (${report.at})`, '',
    `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), Node ${report.machine.node}; ingest, bus, Redis and the load generator on the same machine.`,
    `POST /v1/events with ${BATCH} unique transaction events per request over ${CONNECTIONS} keep-alive connections, ${SECONDS} s per run, median of ${RUNS} runs. Each event validated, checked for duplicates, enriched (geo, User-Agent, Redis reference data) and durably published before the 202.`, '',
    '| engine | events/s accepted | runs | request p50 ms | request p99 ms | failed requests |', '|---|---:|---|---:|---:|---:|',
    ...results.map((r) => `| ${r.engine} | ${r.medianEventsPerSecond} | ${r.runs.join(', ')} | ${r.requestMsP50} | ${r.requestMsP99} | ${r.failedRequests} |`), '',
  ].join('\n');
  writeBenchReport('ingest', report, md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
