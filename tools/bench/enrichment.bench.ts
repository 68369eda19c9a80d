/**
 * `npm run bench:enrichment`: cost per event of IP → geo plus User-Agent → browser/OS/device,
 * on traffic that repeats its addresses and headers (20,000 IPs, 400 User-Agents) and, for contrast,
 * with every lookup a cache miss; then the whole of ingest's enrichment, reference data from Redis
 * included, in batches as ingest does it. Writes bench/results/enrichment.json and .md.
 */
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import type { EventIn } from '@app/contracts';
import { EnrichmentPipeline, enrichmentSteps, GeoLookup, ReferenceDataReader, ReferenceDataWriter, UserAgentParser } from '@app/enrichment';
import { classifyIp } from '@app/net';
import { benchMachine, writeBenchReport } from './bench-report';
import { median } from './percentiles';
import { seededRandom as random } from '../simulate/random';

const RUNS = 5;
const EVENTS_PER_RUN = 200_000;
/** Reference data lives in the benchmarks' Redis database, emptied before and after. */
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const BATCH = 250;
const MERCHANTS = 400;
const DEVICES = 20_000;

function publicIps(count: number, next: () => number): string[] {
  const ips: string[] = [];
  while (ips.length < count) {
    const n = Math.floor(next() * 2 ** 32);
    const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    if (classifyIp(ip) === 'public') ips.push(ip);
  }
  return ips;
}

const BASE_AGENTS = [
  (v: number) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${100 + v}.0.0.0 Safari/537.36`,
  (v: number) =>
    `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${v % 10} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${v % 10} Mobile/15E148 Safari/604.1`,
  (v: number) =>
    `Mozilla/5.0 (Linux; Android ${10 + (v % 5)}; SM-G99${v % 10}B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${100 + v}.0.0.0 Mobile Safari/537.36`,
  (v: number) => `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${15 + (v % 3)}.${v % 7} Safari/605.1.15`,
  (v: number) => `Mozilla/5.0 (X11; Linux x86_64; rv:${100 + v}.0) Gecko/20100101 Firefox/${100 + v}.0`,
];

function measure(events: number, ips: string[], agents: string[], geo: GeoLookup, ua: UserAgentParser, next: () => number): number {
  let found = 0;
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const g = geo.lookup(ips[Math.floor(next() * ips.length)]);
    const u = ua.parse(agents[Math.floor(next() * agents.length)]);
    if (g.status === 'found' && u.browser) found++;
  }
  const nsPerEvent = ((performance.now() - started) * 1e6) / events;
  if (found === 0) throw new Error('no lookup found anything: the benchmark is not measuring enrichment');
  return nsPerEvent;
}

async function* items<T>(values: T[]): AsyncIterable<T> {
  yield* values;
}

/** Reference data as a customer would load it: merchants with categories, a few denied addresses and devices. */
async function loadReference(redis: Redis, ips: string[]): Promise<void> {
  const writer = new ReferenceDataWriter(redis);
  await writer.replaceMerchants(
    items(
      Array.from({ length: MERCHANTS }, (_, i) => ({
        merchantId: `m-${i}`,
        category: ['grocery', 'electronics', 'travel'][i % 3],
        riskTier: i % 10 === 0 ? 'high' : 'low',
      })),
    ),
  );
  await writer.replaceSet('denyIps', items(ips.filter((_, i) => i % 100 === 0)));
  await writer.replaceSet('denyDevices', items(Array.from({ length: DEVICES / 100 }, (_, i) => `d-${i * 100}`)));
  await writer.replaceSet('denyEmailDomains', items(['mailinator.com', 'guerrillamail.com']));
}

/**
 * Ingest's enrichment of whole batches: one pipelined Redis round trip for the batch's reference
 * data (merchant, deny-listed address, device and e-mail domain), then geo, User-Agent and the
 * facts per event. Per event, the wall time over all batches.
 */
async function measureBatches(events: number, ips: string[], agents: string[], enrichment: EnrichmentPipeline, next: () => number): Promise<number> {
  let merchants = 0;
  const started = performance.now();
  for (let done = 0; done < events; done += BATCH) {
    const batch = Array.from({ length: BATCH }, (): EventIn => ({
      type: 'transaction',
      userId: 'u',
      occurredAt: '',
      ip: ips[Math.floor(next() * ips.length)],
      userAgent: agents[Math.floor(next() * agents.length)],
      merchantId: `m-${Math.floor(next() * MERCHANTS)}`,
      deviceId: `d-${Math.floor(next() * DEVICES)}`,
      properties: { emailDomain: 'example.com' },
    }));
    for (const enriched of await enrichment.enrichBatch(batch)) if (enriched.merchant) merchants++;
  }
  const nsPerEvent = ((performance.now() - started) * 1e6) / events;
  if (merchants === 0) throw new Error('no merchant was found: the benchmark is not measuring reference data');
  return nsPerEvent;
}

async function main() {
  const next = random(42);
  const ips = publicIps(20_000, next);
  const agents = Array.from({ length: 400 }, (_, i) => BASE_AGENTS[i % BASE_AGENTS.length](Math.floor(i / BASE_AGENTS.length)));

  const warmGeo = await GeoLookup.open();
  const warmUa = new UserAgentParser();
  measure(EVENTS_PER_RUN, ips, agents, warmGeo, warmUa, next); // fill the caches
  const warm = Array.from({ length: RUNS }, () => measure(EVENTS_PER_RUN, ips, agents, warmGeo, warmUa, next));

  // Cold: caches of one entry, so every event is a database lookup and a User-Agent parse.
  const coldGeo = await GeoLookup.open(undefined, 1);
  const coldUa = new UserAgentParser(1);
  const cold = Array.from({ length: RUNS }, () => measure(20_000, ips, agents, coldGeo, coldUa, next));

  const redis = new Redis(REDIS_URL);
  const batched: number[] = [];
  try {
    await redis.flushdb();
    await loadReference(redis, ips);
    const enrichment = new EnrichmentPipeline(enrichmentSteps({ geo: warmGeo, reference: new ReferenceDataReader(redis) }));
    await measureBatches(EVENTS_PER_RUN / 4, ips, agents, enrichment, next); // connection, JIT
    for (let run = 0; run < RUNS; run++) batched.push(await measureBatches(EVENTS_PER_RUN, ips, agents, enrichment, next));
  } finally {
    await redis.flushdb();
    redis.disconnect();
  }

  const report = {
    benchmark: 'enrichment',
    at: new Date().toISOString(),
    command: 'npm run bench:enrichment',
    machine: benchMachine(),
    workload: { distinctIps: ips.length, distinctUserAgents: agents.length, eventsPerRun: EVENTS_PER_RUN, runs: RUNS },
    repeatingTraffic: { medianMicrosPerEvent: Number((median(warm) / 1000).toFixed(3)), runsMicros: warm.map((n) => Number((n / 1000).toFixed(3))) },
    everyLookupAMiss: { medianMicrosPerEvent: Number((median(cold) / 1000).toFixed(3)), runsMicros: cold.map((n) => Number((n / 1000).toFixed(3))) },
    withReferenceData: {
      batch: BATCH,
      medianMicrosPerEvent: Number((median(batched) / 1000).toFixed(3)),
      runsMicros: batched.map((n) => Number((n / 1000).toFixed(3))),
    },
  };
  const md = [
    `# Enrichment benchmark (${report.at})`,
    '',
    `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), Node ${report.machine.node}. IP → geo (shipped DB-IP City Lite) plus User-Agent → browser/OS/device, per event, median of ${RUNS} runs.`,
    '',
    '| traffic | µs per event (median) | runs |',
    '|---|---:|---|',
    `| repeating: ${ips.length} IPs, ${agents.length} User-Agents, ${EVENTS_PER_RUN} events per run | ${report.repeatingTraffic.medianMicrosPerEvent} | ${report.repeatingTraffic.runsMicros.join(', ')} |`,
    `| every lookup a cache miss (20,000 events per run) | ${report.everyLookupAMiss.medianMicrosPerEvent} | ${report.everyLookupAMiss.runsMicros.join(', ')} |`,
    `| repeating, plus reference data from Redis (merchant, deny-listed address, device, e-mail domain), in batches of ${BATCH} as ingest asks: one round trip per batch | ${report.withReferenceData.medianMicrosPerEvent} | ${report.withReferenceData.runsMicros.join(', ')} |`,
    '',
    "The last row is the issue's figure (geo + User-Agent + reference data per event): the round trip is paid once per batch, the wait included.",
    '',
  ].join('\n');
  writeBenchReport('enrichment', report, md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
