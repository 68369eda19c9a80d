/**
 * `npm run bench:floor`: what one message costs on this machine before any of the suite's work, and
 * what one request, one event and one decision cost the suite alone. As `pg_test_timing` does for
 * Postgres: machines of one kind differ several-fold in what a socket write and a wake-up cost (a
 * virtual machine's system calls most of all), and on a two-core machine those costs, not the code
 * between them, set a decision's latency and much of an event's CPU. Run it before reading another
 * benchmark's figures on a new machine.
 *
 * 1. A bare Node HTTP server (a child process answering "ok"), asked one request at a time.
 * 2. A bare Redis round trip (SET of 100 bytes), one at a time.
 * 3. The suite's processes (compiled, Redis Streams, no other traffic), asked one at a time:
 *    GET /health/live, POST /v1/events with one event, POST /v1/decisions with one payment, and
 *    profile-api's GET /v1/profiles/{userId} of a user those events folded (what a shop asks per page).
 * Each back to back (the peer busy) and paced, 20 ms apart (the peer asleep between requests, as at a
 * low rate). Reported: latency p50/p99, and CPU µs per request of each process, from /proc and
 * Redis's INFO: Linux only.
 * --profile DIR: each suite process writes its CPU profile (node --cpu-prof) to DIR/<name> as it stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { Decision } from '@app/contracts';
import { createOwnDatabase, stopServiceProcess, type SuiteProcessName } from '@app/testing';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { startBenchSuite } from './bench-suite';
import { percentiles } from './percentiles';
import { processCpuSeconds, redisCpuSeconds } from './process-usage';

const REQUESTS = Number(arg('requests', '1000'));
const PACED_REQUESTS = Number(arg('paced-requests', '200'));
const PACE_MS = 20;
/** A directory for every suite process's CPU profile (node --cpu-prof), written as each stops. */
const PROFILE_DIR = arg('profile', '');
const REDIS_URL = arg('redis', 'redis://127.0.0.1:6379/14');
const API_KEY = 'bench-key-0123456789abcdef0123456789';
const PORTS: Record<SuiteProcessName, number> = { ingest: 3981, scoring: 3982, 'profile-api': 3983, alerts: 3984, lake: 3985 };
const BARE_PORT = 3989;
/** The users the floor's events are spread over (each event a new one, of one of them). */
const USERS = 500;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one way of asking cost: latency, and CPU µs per request by process (this one is "client"). */
interface Row {
  what: string;
  paced: boolean;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerRequest: Record<string, number>;
}

/** One request on the one kept-alive connection; its answer's body, or a failure for any status but 2xx. */
function ask(port: number, method: string, path: string, body = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        agent,
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve(text) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Times `n` requests made one after another (20 ms apart when paced), and what every watched process
 * and Redis spent meanwhile. A warm-up of 50 first, not counted.
 */
async function measure(what: string, paced: boolean, n: number, send: () => Promise<unknown>, pids: Record<string, number>, redis: Redis | null): Promise<Row> {
  for (let i = 0; i < 50; i++) await send();
  const cpu = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid) ?? 0]));
  const before = cpu();
  const client = process.cpuUsage();
  const redisBefore = redis ? await redisCpuSeconds(redis) : 0;
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = performance.now();
    await send();
    ms.push(performance.now() - at);
    if (paced) await sleep(PACE_MS);
  }
  const spent = process.cpuUsage(client);
  const after = cpu();
  const perRequest = (seconds: number) => Math.round((seconds * 1e6) / n);
  const cpuMicrosPerRequest: Record<string, number> = { client: perRequest((spent.user + spent.system) / 1e6) };
  for (const name of Object.keys(pids)) cpuMicrosPerRequest[name] = perRequest(after[name] - before[name]);
  if (redis) cpuMicrosPerRequest.redis = perRequest((await redisCpuSeconds(redis)) - redisBefore);
  const { p50, p99 } = percentiles(ms, [50, 99]);
  const row = { what, paced, requests: n, p50Ms: round(p50), p99Ms: round(p99), cpuMicrosPerRequest };
  console.error(`[bench:floor] ${JSON.stringify(row)}`);
  return row;
}

/** Both paces of one way of asking. */
async function bothPaces(what: string, send: () => Promise<unknown>, pids: Record<string, number>, redis: Redis | null): Promise<Row[]> {
  return [await measure(what, false, REQUESTS, send, pids, redis), await measure(what, true, PACED_REQUESTS, send, pids, redis)];
}

/** A Node HTTP server with nothing in it, in its own process (the same Node as the suite's). */
async function startBareServer(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${BARE_PORT}, '127.0.0.1', () => console.log('up'))`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  return child;
}

async function bare(redis: Redis): Promise<Row[]> {
  const server = await startBareServer();
  try {
    const http = await bothPaces('bare Node HTTP server, GET', () => ask(BARE_PORT, 'GET', '/'), { server: server.pid as number }, null);
    const value = 'v'.repeat(100);
    const roundTrip = await bothPaces('bare Redis round trip, SET of 100 bytes', () => redis.set('bench-floor', value), {}, redis);
    await redis.del('bench-floor');
    return [...http, ...roundTrip];
  } finally {
    server.kill();
  }
}

async function suite(redis: Redis): Promise<Row[]> {
  const run = `bench-floor-${Date.now().toString(36)}`;
  const database = await createOwnDatabase('bench_floor');
  const lakeDir = join(tmpdir(), run);
  const env = {
    API_KEYS: `ingest+decide+profiles=${API_KEY}`,
    BUS_URL: REDIS_URL,
    BUS_TOPIC_PREFIX: `${run}.`,
    REDIS_URL,
    DATABASE_URL: database.url,
    LAKE_DIR: lakeDir,
    SCORING_STATE_PREFIX: run,
  };
  const processes = new Map<SuiteProcessName, ChildProcess>();
  try {
    await startBenchSuite(processes, PORTS, env, PROFILE_DIR);
    const pids = Object.fromEntries([...processes].map(([name, child]) => [name, child.pid as number]));
    // Every request a new event: one sent again would be recognised by its id and not flow on.
    let sent = 0;
    const event = (type: string) => {
      const n = sent++;
      return JSON.stringify({
        eventId: `${run}-${n}`,
        type,
        userId: `U${n % USERS}`,
        occurredAt: new Date().toISOString(),
        ...(type === 'transaction' ? { amount: 42.5, currency: 'EUR', merchantId: `M${n % 50}` } : {}),
        ip: '81.2.69.142',
      });
    };
    return [
      ...(await bothPaces('ingest, GET /health/live', () => ask(PORTS.ingest, 'GET', '/health/live'), pids, redis)),
      ...(await bothPaces('ingest, POST /v1/events, one page view', () => ask(PORTS.ingest, 'POST', '/v1/events', event('page_view')), pids, redis)),
      ...(await bothPaces(
        'ingest, POST /v1/decisions, one payment',
        async () => {
          const answer = JSON.parse(await ask(PORTS.ingest, 'POST', '/v1/decisions', `{"event":${event('transaction')},"timeoutMs":1000}`)) as Decision;
          // A fallback would time the deadline, not the path.
          if (answer.degraded) throw new Error(`a decision was degraded (${answer.degradedReason}): the floor is not measurable on this machine now`);
        },
        pids,
        redis,
      )),
      ...(await profileReads(Math.min(sent, USERS), pids, redis)),
    ];
  } finally {
    await Promise.all([...processes.values()].map(stopServiceProcess));
    await database.drop();
    await rm(lakeDir, { recursive: true, force: true });
    const keys = await redis.keys(`*${run}*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  }
}

/** Reads of the profiles of the `users` the events above went to (U0, U1, ...), once profile-api has folded the last of them. */
async function profileReads(users: number, pids: Record<string, number>, redis: Redis): Promise<Row[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await ask(PORTS['profile-api'], 'GET', `/v1/profiles/U${users - 1}`).then(
      () => true,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error('profile-api did not fold the events within 30 s');
    await sleep(100);
  }
  let read = 0;
  return bothPaces('profile-api, GET /v1/profiles/{userId}', () => ask(PORTS['profile-api'], 'GET', `/v1/profiles/U${read++ % users}`), pids, redis);
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const rows = [...(await bare(redis)), ...(await suite(redis))];
    const report = { command: benchCommand('bench:floor'), machine: benchMachine(), at: new Date().toISOString(), paceMs: PACE_MS, rows };
    const names = ['client', 'server', 'ingest', 'scoring', 'lake', 'profile-api', 'alerts', 'redis'];
    writeBenchReport(
      'floor',
      report,
      [
        '# What one message costs on this machine',
        '',
        `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), Node ${report.machine.node}, ${report.at}. Requests one at a time: back to back (${REQUESTS.toLocaleString('en')}), and paced ${PACE_MS} ms apart (${PACED_REQUESTS}; each side asleep between requests, as at a low rate). The suite: its processes compiled on Redis Streams, with no other traffic. CPU µs per request of each process (\`client\`: the benchmark; \`server\`: the bare server), from /proc and Redis's INFO.`,
        '',
        `| what | paced | p50 ms | p99 ms | ${names.join(' | ')} |`,
        `|---|---|---:|---:|${names.map(() => '---:').join('|')}|`,
        ...rows.map(
          (r) =>
            `| ${r.what} | ${r.paced ? `${PACE_MS} ms apart` : 'back to back'} | ${r.p50Ms} | ${r.p99Ms} | ${names.map((n) => r.cpuMicrosPerRequest[n] ?? '').join(' | ')} |`,
        ),
        '',
        'How to read it: the bare rows are the machine (a socket write, a wake-up, the kernel between); the suite rows are those plus the services. A decision crosses ingest, Redis, scoring and Redis again and back (docs/decisions.md): its latency alone, with nothing beside it, is the floor under `npm run bench:decisions`.',
        '',
      ].join('\n'),
    );
  } finally {
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
