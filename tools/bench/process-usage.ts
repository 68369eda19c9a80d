/** CPU time and memory of this machine's processes, for the benchmarks, read from /proc where possible: a read costs microseconds and never blocks. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type Redis from 'ioredis';
import { Client } from 'pg';

let ticksPerSecond: number | undefined;

/**
 * A process's resident memory in MB. From /proc/<pid>/status: the suite benchmark samples it every 2 s in
 * the process that also receives the webhooks, and `ps` (a synchronous child process, 50-180 ms on this
 * machine under load) held those up and put its own pauses into the p99 it measured.
 */
export function residentMb(pid: number): number {
  try {
    const kB = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    if (kB > 0) return Math.round(kB / 1024);
  } catch {
    // not Linux: ps below
  }
  return Math.round(Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024);
}

/** CPU seconds (user + system) a process has used so far, from /proc: Linux only, null elsewhere. */
export function processCpuSeconds(pid: number): number | null {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    // Fields after the command name, which may hold spaces but ends at the last ')'.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime
  } catch {
    return null;
  }
}

/** CPU seconds so far of every Postgres server process (postmaster, backends, background workers) by process id, from /proc. */
export function postgresCpuSeconds(): Map<number, number> {
  let pids: number[];
  try {
    pids = execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return new Map(); // pgrep exits 1 when nothing matches
  }
  return new Map(
    pids.flatMap((pid) => {
      const seconds = processCpuSeconds(pid);
      return seconds === null ? [] : [[pid, seconds] as [number, number]];
    }),
  );
}

/** CPU seconds so far of the local Kafka broker (scripts/kafka.sh's JVM, found by its main class), 0 when none runs. */
export function kafkaBrokerCpuSeconds(): number {
  let pids: number[];
  try {
    pids = execFileSync('pgrep', ['-f', 'kafka\\.Kafka '], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
  return pids.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
}

/**
 * CPU seconds Postgres used between two readings, by what each process serves: `names` maps a process id
 * to a name (postgresProcessNames), the rest count as 'background'. A backend missing from `to`
 * takes its share with it (PostgresCpuSampler keeps a backend's last reading).
 */
export function postgresCpuBetween(from: Map<number, number>, to: Map<number, number>, names: Map<number, string>): Map<string, number> {
  const byName = new Map<string, number>();
  for (const [pid, seconds] of to) {
    const name = names.get(pid) ?? 'background';
    byName.set(name, (byName.get(name) ?? 0) + seconds - (from.get(pid) ?? 0));
  }
  return byName;
}

/** Postgres's client backends by process id, named by the application_name their client set (each service sets its own). */
export async function postgresProcessNames(url: string): Promise<Map<number, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number; name: string }>(
      `SELECT pid, coalesce(nullif(application_name, ''), 'unnamed clients') AS name FROM pg_stat_activity WHERE backend_type = 'client backend'`,
    );
    return new Map(rows.map((r) => [r.pid, r.name]));
  } finally {
    await client.end();
  }
}

/**
 * Postgres's CPU by backend, read again and again while a run lasts: a backend that exits before the
 * last reading (a pool closes connections idle for a few seconds, as profile-api's are once it has caught
 * up) keeps what it used until its last reading, instead of taking its whole share with it.
 */
export class PostgresCpuSampler {
  /** CPU seconds by backend process id, as last read. */
  readonly seconds = new Map<number, number>();
  /** The client each backend served (postgresProcessNames), as last seen. */
  readonly names = new Map<number, string>();

  constructor(private readonly url: string) {}

  async sample(): Promise<void> {
    for (const [pid, seconds] of postgresCpuSeconds()) this.seconds.set(pid, seconds);
    for (const [pid, name] of await postgresProcessNames(this.url)) this.names.set(pid, name);
  }
}

/** CPU seconds (user + system) the Redis server has used so far; its forked children (AOF rewrites) are not counted. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** CPU µs per event of a process and of Redis between two readings (null when the process's could not be read). */
export function cpuMicrosPerEvent(events: number, process: [number | null, number | null], redis: [number, number]) {
  const perEvent = (from: number, to: number) => Math.round((((to - from) * 1e6) / events) * 10) / 10;
  return {
    process: process[0] === null || process[1] === null ? null : perEvent(process[0], process[1]),
    redis: perEvent(redis[0], redis[1]),
  };
}
