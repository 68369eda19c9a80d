import type { ChildProcess } from 'node:child_process';
import { parseBusUrl, type BusEngine } from '@app/bus';
import { startServiceProcess } from './service-process';

/**
 * The suite's processes as `npm run suite` (scripts/suite.sh) and docker-compose.yml run them; the
 * end-to-end tests and `npm run bench` start the same. The lake sink runs at a lower CPU priority:
 * its bursts of Parquet encoding yield to the path from event to alert (docs/suite.md).
 */
export interface SuiteProcess {
  /** What the process is called in tests, reports and logs. */
  name: 'ingest' | 'lake' | 'scoring' | 'profile-api' | 'alerts';
  /** The app it runs (apps/<app>). */
  app: 'ingest' | 'lake' | 'scoring' | 'profile-api' | 'alerts';
  env: Record<string, string>;
  /** Its allocator where it is not the image's (ALLOCATOR_ENV), by the engine of the bus it runs on. */
  ownAllocator: Partial<Record<BusEngine, AllocatorEnv>>;
  /**
   * Node's own options: one V8 helper thread (ONE_V8_HELPER), a heap ceiling where the default heap
   * growth would exceed the memory budget, a slower growing heap where little survives (HEAP_GROWS_TWOFOLD),
   * and a smaller young generation where its size, resident once used, is what the budget lacks (YOUNG_GENERATION_HALVED).
   */
  nodeArgs: string[];
  /** CPU priority (nice): the lake's rolls are batch work and yield to the latency path. */
  niceness: number;
}

/**
 * Five processes share the machine's cores: V8's default of four helper threads each (garbage
 * collection's parallel and concurrent work) puts twenty on two cores, and a collection whose helpers
 * wait for a core stalls its process meanwhile (docs/suite.md, "CPU").
 */
const ONE_V8_HELPER = ['--v8-pool-size=1'];

/**
 * The heap may grow to twice what survived the last full collection, not V8's up to four times: the
 * lake and profile-api keep little, and the rest is a burst's garbage (and the Buffers it holds) that
 * would stay resident (docs/suite.md, "Memory").
 */
const HEAP_GROWS_TWOFOLD = ['--heap-growing-percent=100'];

/**
 * Semi-spaces of 8 MB instead of 16, for every process the whole stream passes through (alerts sees only
 * the alerts): V8 keeps pages of the young generation resident well beyond its two semi-spaces under a
 * burst (on Kafka ingest held ~95 MB of them), and what lives on (scoring's state, profile-api's cache) is
 * in the old generation either way (docs/suite.md, "Memory").
 */
const YOUNG_GENERATION_HALVED = ['--max-semi-space-size=8'];

type AllocatorEnv = Readonly<Record<string, string>>;

/**
 * jemalloc instead of glibc's allocator, the image's (Debian's libjemalloc2, installed by
 * scripts/infra.sh and the Dockerfile). glibc kept a burst's freed 64 KiB socket reads and Buffers as
 * fragments unless blocks of 64 KiB and more were mapped on their own, and mapping each one (a fresh mmap,
 * its pages faulted in, munmap) cost the Node processes ~10% of their CPU per event; with jemalloc they
 * spend ~0.9× at about the same memory (docs/suite.md, "Memory").
 */
export const ALLOCATOR_ENV = { LD_PRELOAD: 'libjemalloc.so.2' } as const;

/**
 * Ingest keeps glibc's allocator, blocks of 64 KiB and more mapped on their own: with jemalloc it held
 * ~4% more during the burst, over 300 MB (its geo database alone is 134 MB), for ~9% less CPU.
 */
export const GLIBC_ALLOCATOR_ENV = { LD_PRELOAD: '', MALLOC_MMAP_THRESHOLD_: '65536' } as const;

/**
 * Scoring on Kafka runs on glibc's allocator with its own defaults: there it spent ~0.7× its CPU per event
 * draining a backlog and ~0.85× in the burst at the same memory, where on Redis Streams jemalloc did
 * better, and the other Kafka consumers gained nothing from glibc (docs/suite.md, "Memory").
 */
export const GLIBC_DEFAULTS_ALLOCATOR_ENV = { LD_PRELOAD: '' } as const;

export const SUITE_PROCESSES: readonly SuiteProcess[] = [
  {
    name: 'ingest',
    app: 'ingest',
    env: { INGEST_ROLES: 'http,raw' },
    ownAllocator: { redis: GLIBC_ALLOCATOR_ENV, kafka: GLIBC_ALLOCATOR_ENV },
    nodeArgs: [...ONE_V8_HELPER, '--max-old-space-size=1024', ...YOUNG_GENERATION_HALVED],
    niceness: 0,
  },
  { name: 'lake', app: 'lake', env: {}, ownAllocator: {}, nodeArgs: [...ONE_V8_HELPER, ...HEAP_GROWS_TWOFOLD, ...YOUNG_GENERATION_HALVED], niceness: 10 },
  {
    name: 'scoring',
    app: 'scoring',
    env: {},
    ownAllocator: { kafka: GLIBC_DEFAULTS_ALLOCATOR_ENV },
    nodeArgs: [...ONE_V8_HELPER, '--max-old-space-size=1024', ...YOUNG_GENERATION_HALVED],
    niceness: 0,
  },
  {
    name: 'profile-api',
    app: 'profile-api',
    env: {},
    ownAllocator: {},
    nodeArgs: [...ONE_V8_HELPER, ...HEAP_GROWS_TWOFOLD, ...YOUNG_GENERATION_HALVED],
    niceness: 0,
  },
  { name: 'alerts', app: 'alerts', env: {}, ownAllocator: {}, nodeArgs: [...ONE_V8_HELPER], niceness: 0 },
];

export type SuiteProcessName = SuiteProcess['name'];

/**
 * Starts one of the suite's processes as SUITE_PROCESSES describes it, with `env` under its own settings.
 * At its niceness only with `prioritised` (benchmarks measure the arrangement production runs): in
 * tests the processes share the machine with other tests' suites, and a low-priority lake starved by
 * those would be waited for long after its own suite has gone quiet.
 */
export function startSuiteProcess(
  name: SuiteProcessName,
  port: number,
  env: Record<string, string>,
  options: { compiled?: boolean; prioritised?: boolean; nodeArgs?: string[] } = {},
): Promise<ChildProcess> {
  const { app, env: own, ownAllocator, nodeArgs, niceness } = SUITE_PROCESSES.find((p) => p.name === name) as SuiteProcess;
  const engine = env.BUS_URL ? parseBusUrl(env.BUS_URL).engine : 'redis'; // the services' default bus
  return startServiceProcess(app, port, { ...ALLOCATOR_ENV, ...env, ...own, ...ownAllocator[engine] }, [...nodeArgs, ...(options.nodeArgs ?? [])], {
    compiled: options.compiled,
    niceness: options.prioritised ? niceness : 0,
  });
}
