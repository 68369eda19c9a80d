/**
 * `npm run bench:poison`: how long a poison record holds up the valid record behind it. A foreign
 * producer writes, on each internal topic in turn, a record its consumers must refuse and right behind
 * it, on the same partition, a valid one; the time from the publish to the valid record's effect
 * (events.enriched and scores: the profile folded; alerts: the alert stored) is measured, and every
 * poison record must reach events.invalid with its reason. The services run as the suite's processes
 * (ts-node) on Redis Streams; the benchmark owns Redis database 13 and empties it before and after.
 * Writes bench/results/poison.json and poison.md.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { createBus, silentBusLogger } from '@app/bus';
import { topicNames } from '@app/contracts';
import { collectTopic, createOwnDatabase, startSuiteProcess, stopServiceProcess, type SuiteProcessName } from '@app/testing';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { percentiles } from './percentiles';

const ROUNDS = Number(arg('rounds', '30'));
const REDIS_URL = process.env.BENCH_POISON_REDIS_URL ?? 'redis://127.0.0.1:6379/13';
const API_KEY = 'bench-poison-key-1234';
const PORTS: Partial<Record<SuiteProcessName, number>> = { scoring: 3972, 'profile-api': 3973, alerts: 3974, lake: 3975 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function emptyRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  await redis.quit();
}

/** A record each topic's consumers must refuse, in turn: unreadable, the wrong shape, text Postgres refuses. */
const POISON: Record<'enriched' | 'scores' | 'alerts', (userId: string, at: string) => string[]> = {
  enriched: (userId, at) => [
    'not json',
    '{"userId":42}',
    JSON.stringify({
      eventId: `p-${userId}`,
      type: 'page_view',
      userId,
      occurredAt: at,
      receivedAt: at,
      source: 'http',
      geo: null,
      ua: null,
      merchant: null,
      flags: [],
      properties: { category: 'a\u0000b' },
    }),
  ],
  scores: (userId, at) => ['not json', JSON.stringify({ userId, occurredAt: at, score: 'high' }), JSON.stringify({ userId, occurredAt: 'never', score: 0.5 })],
  alerts: (userId, at) => [
    'not json',
    JSON.stringify({ userId }),
    JSON.stringify({
      alertId: 'alert_\u0000',
      eventId: 'x',
      userId,
      eventType: 'login',
      occurredAt: at,
      score: 0.9,
      model: { id: 'm', version: '1' },
      reasons: [],
      raisedAt: at,
    }),
  ],
};

async function main(): Promise<void> {
  await emptyRedis();
  const run = `bench-poison-${Date.now().toString(36)}`;
  const topics = topicNames(`${run}.`);
  const database = await createOwnDatabase('bench_poison');
  const lakeDir = await mkdtemp(join(tmpdir(), 'bench-poison-lake-'));
  const env = {
    API_KEYS: API_KEY,
    LOG_LEVEL: 'error',
    BUS_URL: REDIS_URL,
    BUS_TOPIC_PREFIX: `${run}.`,
    BUS_PARTITIONS: '2',
    REDIS_URL,
    DATABASE_URL: database.url,
    LAKE_DIR: lakeDir,
    SCORING_STATE_PREFIX: run,
  };
  const bus = createBus({ url: REDIS_URL, clientId: 'bench-poison', logger: silentBusLogger });
  const processes: ChildProcess[] = [];
  try {
    for (const [name, port] of Object.entries(PORTS) as Array<[SuiteProcessName, number]>)
      processes.push(await startSuiteProcess(name, port, env, { prioritised: true }));
    const invalid = await collectTopic(bus, topics.invalid, topics.invalid);
    const get = (port: number, path: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const effectSeen: Record<keyof typeof POISON, (userId: string) => Promise<boolean>> = {
      enriched: async (userId) => (await get(PORTS['profile-api'] as number, `/v1/profiles/${userId}`)).status === 200,
      scores: async (userId) => (await get(PORTS['profile-api'] as number, `/v1/profiles/${userId}`)).status === 200,
      alerts: async (userId) =>
        ((await (await get(PORTS.alerts as number, '/v1/alerts?limit=20')).json()) as { items: Array<{ userId: string }> }).items.some(
          (a) => a.userId === userId,
        ),
    };
    const times: Record<keyof typeof POISON, number[]> = { enriched: [], scores: [], alerts: [] };
    let poisoned = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of Object.keys(POISON) as Array<keyof typeof POISON>) {
        const userId = `${run}-${kind}-${round}`;
        const at = new Date().toISOString();
        const poison = POISON[kind](userId, at)[round % 3];
        const valid = {
          enriched: {
            eventId: `v-${userId}`,
            type: 'login',
            userId,
            occurredAt: at,
            receivedAt: at,
            source: 'http',
            geo: null,
            ua: null,
            merchant: null,
            flags: [],
          },
          scores: {
            eventId: `v-${userId}`,
            userId,
            occurredAt: at,
            model: { id: 'm', version: '1' },
            score: 0.1,
            decision: 'allow',
            alert: false,
            reasons: [],
            scoredAt: at,
          },
          alerts: {
            alertId: `alert_v-${userId}`,
            eventId: `v-${userId}`,
            userId,
            eventType: 'login',
            occurredAt: at,
            score: 0.9,
            model: { id: 'm', version: '1' },
            reasons: [],
            raisedAt: at,
          },
        }[kind];
        const started = performance.now();
        await bus.publish(topics[kind], [
          { key: userId, value: poison },
          { key: userId, value: JSON.stringify(valid) },
        ]);
        poisoned++;
        while (!(await effectSeen[kind](userId))) {
          if (performance.now() - started > 60_000) throw new Error(`the valid ${kind} record behind a poison one was not handled within 60 s`);
          await sleep(10);
        }
        times[kind].push(performance.now() - started);
      }
    }
    // Every poison record is dead-lettered with a reason by at least one consumer of its topic.
    const poisonDeadLettered = () =>
      new Set(
        invalid.values().map(({ origin: o }: { origin: { topic: string; partition: number; offset: string } }) => `${o.topic}/${o.partition}/${o.offset}`),
      ).size;
    for (let waited = 0; poisonDeadLettered() < poisoned; waited += 200) {
      if (waited > 30_000) throw new Error(`only ${invalid.records.length} dead letters for ${poisoned} poison records`);
      await sleep(200);
    }
    await invalid.consumer.stop();
    const all = Object.values(times).flat();
    const summary = Object.fromEntries(
      Object.entries({ ...times, all }).map(([kind, list]) => [
        kind,
        Object.fromEntries(Object.entries(percentiles(list, [50, 99])).map(([p, v]) => [p, Math.round(v)])),
      ]),
    );
    console.error(`[bench] poison → next valid record handled, ms: ${JSON.stringify(summary)}`);
    const report = {
      command: benchCommand('bench:poison'),
      machine: benchMachine(),
      at: new Date().toISOString(),
      bus: 'Redis Streams',
      rounds: ROUNDS,
      poisonRecords: poisoned,
      deadLettered: invalid.records.length,
      ms: summary,
    };
    writeBenchReport(
      'poison',
      report,
      [
        '# Poison records',
        '',
        `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.at}. Scoring, profile-api, alerts and the lake sink as processes on Redis Streams and Postgres; per round and internal topic, a poison record and a valid one behind it on the same partition, published together by a foreign producer.`,
        '',
        '| topic: publish → the valid record behind the poison handled | p50 ms | p99 ms |',
        '|---|---:|---:|',
        ...Object.entries(summary).map(
          ([kind, p]) => `| ${kind === 'all' ? 'all' : topics[kind as keyof typeof POISON].slice(run.length + 1)} | ${p.p50} | ${p.p99} |`,
        ),
        '',
        `${poisoned} poison records, ${report.deadLettered} dead letters (a record some consumers of a topic refuse is dead-lettered by each of them).`,
        '',
      ].join('\n'),
    );
  } finally {
    await Promise.all(processes.map(stopServiceProcess));
    await bus.close();
    await database.drop();
    await rm(lakeDir, { recursive: true, force: true });
    await emptyRedis();
  }
  process.exit(0);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
