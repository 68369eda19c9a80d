import { execFileSync } from 'node:child_process';
import type Redis from 'ioredis';
import { Client } from 'pg';

/** Bytes each store holds for a run, by what they hold: what sizing a deployment per million events needs. */
export interface StorageUsage {
  /** Redis Streams: each topic's streams (all partitions). */
  streams: Record<string, number>;
  /** Redis: scoring's state by kind (users, merchants, transactions kept for chargebacks, label evaluation). */
  scoringState: Record<string, number>;
  /** Postgres: each table with its indexes and TOAST. */
  tables: Record<string, number>;
  lake: number;
}

const TABLES = ['profiles', 'consumer_positions', 'alerts', 'webhook_deliveries', 'webhook_attempts'];
const STATE_KINDS: Record<string, string> = { u: 'users', m: 'merchants', tx: 'transactions', eval: 'evaluation' };

/** MEMORY USAGE of every key under `pattern`, summed by `kindOf` (keys it gives no kind are left out). */
async function redisBytes(redis: Redis, pattern: string, kindOf: (key: string) => string | undefined): Promise<Record<string, number>> {
  const bytes: Record<string, number> = {};
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5_000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const kind = kindOf(key);
      if (kind) bytes[kind] = (bytes[kind] ?? 0) + Number(sizes[i][1] ?? 0);
    });
  } while (cursor !== '0');
  return bytes;
}

export async function storageUsage(
  redis: Redis,
  options: { topicPrefix: string; statePrefix: string; databaseUrl: string; lakeDir: string },
): Promise<StorageUsage> {
  const { topicPrefix, statePrefix } = options;
  // Stream keys are bus:<topic>:<partition>; a topic's producer sequences (…:producers) are not its entries.
  const streams = await redisBytes(redis, `bus:${topicPrefix}*`, (key) => /^bus:(.+):\d+$/.exec(key)?.[1].slice(topicPrefix.length));
  const scoringState = await redisBytes(redis, `${statePrefix}:*`, (key) => STATE_KINDS[key.slice(statePrefix.length + 1).split(':')[0]]);
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; bytes: string }>(
      'SELECT relname AS name, pg_total_relation_size(oid) AS bytes FROM pg_class WHERE relname = ANY($1)',
      [TABLES],
    );
    const tables = Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
    const lake = Number(execFileSync('du', ['-sb', options.lakeDir]).toString().split('\t')[0]);
    return { streams, scoringState, tables, lake };
  } finally {
    await client.end();
  }
}

/** MB per million events of every figure. */
export function perMillionEvents(usage: StorageUsage, events: number): Record<string, number> {
  // Bytes per event are MB per million events.
  const mb = (bytes: number) => Number((bytes / events).toFixed(1));
  return {
    ...Object.fromEntries(Object.entries(usage.streams).map(([topic, b]) => [`redis stream ${topic}`, mb(b)])),
    ...Object.fromEntries(Object.entries(usage.scoringState).map(([kind, b]) => [`redis scoring ${kind}`, mb(b)])),
    ...Object.fromEntries(Object.entries(usage.tables).map(([table, b]) => [`postgres ${table}`, mb(b)])),
    'lake (Parquet)': mb(usage.lake),
  };
}
