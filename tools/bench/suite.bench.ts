/**
 * `npm run bench`: the whole suite on this machine, as users run it (the four services built by
 * `npm run build`, as the processes of SUITE_PROCESSES on Redis Streams, Postgres, the trained model),
 * fed by the simulator over HTTP.
 * 1. Latency: 2,000 events/s for 30 s after a 10 s warm-up; for every alert (a rule adds alerts on
 *    payments of 100 or more, for enough samples), the time from ingest's 202 for its event to the
 *    webhook reaching a local receiver. Each service's resident memory is sampled meanwhile.
 * 2. Throughput: a burst of simulated events sent as fast as ingest takes them; events/s from the
 *    first request to the moment every stage (lake, scoring, profiles) has processed them all, and the
 *    CPU each process spent per event. Realistic traffic: the shipped model and default rules alone
 *    (the latency phase's rule is removed), so alerts are as rare as in a business's stream;
 *    `--burst-alerts rule` keeps the rule, for the alert-heavy burst (alerts alone: `npm run bench:alerts`).
 * The benchmark owns Redis database 14 (BENCH_REDIS_URL): it is emptied before and after, so runs do
 * not pile up streams and state.
 * Writes bench/results/suite.json, suite.md and suite-latency.svg (the latency distribution).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import type { Alert, EventIn } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { SUITE_PROCESSES, createOwnDatabase, metricSum, startSuiteProcess, startWebhookReceiver, stopServiceProcess, type SuiteProcessName } from '@app/testing';
import { simulationOptions } from '../simulate/simulate';
import { simulate, withIdPrefix } from '../simulate/simulation';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { postgresCpuBetween, postgresCpuSeconds, postgresProcessNames, processCpuSeconds, redisCpuSeconds, residentMb } from './process-usage';
import { percentiles } from './percentiles';
import { perMillionEvents, storageUsage } from './storage-usage';

const RATE = Number(arg('rate', '2000'));
const SECONDS = Number(arg('seconds', '30'));
const BURST = Number(arg('burst', '200000'));
const WARM_UP_SECONDS = Number(arg('warm-up', '10'));
const BURST_ALERTS = arg('burst-alerts', 'model');
if (!['model', 'rule'].includes(BURST_ALERTS)) throw new Error('--burst-alerts is model (the shipped model and default rules) or rule (also alert on every payment of 100 or more)');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const API_KEY = 'bench-key-123456';
const SERVICES: Record<SuiteProcessName, number> = { ingest: 3961, scoring: 3962, 'profile-api': 3963, alerts: 3964, lake: 3965 };
type Service = SuiteProcessName;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const metric = (service: Service, name: string, filter = '') => metricSum(`http://127.0.0.1:${SERVICES[service]}`, name, filter);

async function emptyBenchRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  await redis.quit();
}

async function main(): Promise<void> {
  await emptyBenchRedis();
  const run = `bench-suite-${Date.now().toString(36)}`;
  const database = await createOwnDatabase('bench_suite');
  const lakeDir = await mkdtemp(join(tmpdir(), 'bench-lake-'));
  const env = {
    API_KEYS: API_KEY, BUS_URL: REDIS_URL, BUS_TOPIC_PREFIX: `${run}.`, REDIS_URL, DATABASE_URL: database.url, LAKE_DIR: lakeDir,
    SCORING_STATE_PREFIX: run, WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
  };
  const processes = new Map<Service, ChildProcess>();
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
    for (const { name } of SUITE_PROCESSES) processes.set(name, await startSuiteProcess(name, SERVICES[name], env, { compiled: true }));
    const registered = await fetch(`http://127.0.0.1:${SERVICES.alerts}/v1/webhooks`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: receiver.url }) });
    if (registered.status !== 201) throw new Error(`registering the receiver failed: ${registered.status} ${await registered.text()}`);
    const geo = await GeoLookup.open();
    const events = simulate(simulationOptions({}, geo));
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
      const response = await fetch(`http://127.0.0.1:${SERVICES.ingest}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/x-ndjson' }, body: batch.map((e) => JSON.stringify(e)).join('\n') });
      if (response.status !== 202) throw new Error(`ingest answered ${response.status}`);
      await response.arrayBuffer();
      return performance.now();
    };

    // The model alerts on ~1 event in 2,000 here: too few to rank a p99, so a rule also alerts on
    // payments of 100 or more (the same path from scoring to the receiver as the model's alerts).
    const rule = await fetch(`http://127.0.0.1:${SERVICES.scoring}/v1/rules/bench-large-payments`, {
      method: 'PUT', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ when: [{ feature: 'event.amount', op: '>=', value: 100 }], eventTypes: ['transaction'], action: 'alert', reasonCode: 'BENCH_LARGE_PAYMENT' }),
    });
    if (rule.status !== 201) throw new Error(`adding the benchmark's rule failed: ${rule.status} ${await rule.text()}`);

    // 1. Latency and memory at a steady rate (after a warm-up at that rate, not measured), every 50 ms a request.
    const memory = new Map<Service, number[]>();
    const sampleMemory = () => processes.forEach((p, s) => memory.set(s, [...(memory.get(s) ?? []), residentMb(p.pid as number)]));
    const acceptedAt = new Map<string, number>();
    const failures: string[] = [];
    const steady = async (seconds: number, record: boolean) => {
      const started = performance.now();
      const sampler = record ? setInterval(sampleMemory, 2_000) : undefined;
      for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
        const due = started + tick * 50;
        if (due > performance.now()) await sleep(due - performance.now());
        const events = take(RATE / 20);
        // Not awaited (the rate must not wait for answers); a failure is reported after the phase.
        void post(events).then((at) => record && events.forEach((e) => acceptedAt.set(e.eventId, at)), (error: Error) => failures.push(error.message));
      }
      await sleep(5_000); // stragglers
      clearInterval(sampler);
      if (failures.length > 0) throw new Error(`${failures.length} requests failed at ${RATE} events/s, the first: ${failures[0]}`);
    };
    await steady(WARM_UP_SECONDS, false);
    await steady(SECONDS, true);
    const steadyRss = new Map([...memory].map(([s, values]) => [s, Math.max(...values)]));
    const latencies = [...receivedAt].filter(([eventId]) => acceptedAt.has(eventId)).map(([eventId, at]) => at - (acceptedAt.get(eventId) as number));
    const latency = percentiles(latencies, [50, 90, 99]);
    // Where the time goes: 202 → scoring raised the alert (bus, scoring, one hop), then raised → received (bus, alerts, delivery).
    const measured = [...receivedAt.keys()].filter((eventId) => acceptedAt.has(eventId));
    const toRaised = percentiles(measured.map((id) => (raisedAt.get(id) as number) - (acceptedAt.get(id) as number)), [50, 99]);
    const toReceived = percentiles(measured.map((id) => (receivedAt.get(id) as number) - (raisedAt.get(id) as number)), [50, 99]);
    console.error(`[bench] latency at ${RATE}/s: ${latencies.length} alerts, p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms`);
    console.error(`[bench] 202 → raised p50 ${toRaised.p50.toFixed(1)} p99 ${toRaised.p99.toFixed(1)} ms; raised → received p50 ${toReceived.p50.toFixed(1)} p99 ${toReceived.p99.toFixed(1)} ms`);
    console.error(`[bench] resident MB at ${RATE}/s: ${JSON.stringify(Object.fromEntries(steadyRss))}`);

    // 2. Throughput: a burst, and how long until every stage has it all.
    if (BURST_ALERTS === 'model') {
      const removed = await fetch(`http://127.0.0.1:${SERVICES.scoring}/v1/rules/bench-large-payments`, { method: 'DELETE', headers: { authorization: `Bearer ${API_KEY}` } });
      if (!removed.ok) throw new Error(`removing the benchmark's rule failed: ${removed.status} ${await removed.text()}`); // scoring reads the rules' version with every batch
    }
    memory.clear();
    const burst = take(BURST);
    const alertsBeforeBurst = await metric('scoring', 'scoring_alerts_raised_total');
    const [scoredBefore, foldedBefore, lakeBefore] = await Promise.all([
      metric('scoring', 'bus_records_consumed_total', 'group="'), metric('profile-api', 'bus_records_consumed_total', 'events.enriched'), metric('lake', 'lake_rows_written_total'),
    ]);
    const lakeFilesBefore = await metric('lake', 'lake_files_written_total');
    const burstSampler = setInterval(sampleMemory, 2_000);
    const cpuBefore = await cpuSeconds(processes);
    const burstStart = performance.now();
    let sentBy = 0;
    const stageDoneAt: Record<string, number> = {};
    // Cleared on failure too: a sample of a stopped service would throw over the real error.
    try {
      for (let i = 0; i < burst.length; i += 2_000) {
        // An empty request is a 400: a burst that is not a multiple of 2,000 ends with fewer than four.
        await Promise.all([0, 500, 1000, 1500].map((k) => burst.slice(i + k, i + k + 500)).filter((b) => b.length > 0).map(post));
      }
      sentBy = performance.now();
      for (;;) {
        const [scored, folded, lake] = await Promise.all([
          metric('scoring', 'bus_records_consumed_total', 'group="'), metric('profile-api', 'bus_records_consumed_total', 'events.enriched'), metric('lake', 'lake_rows_written_total'),
        ]);
        const progress = { scoring: scored - scoredBefore, profiles: folded - foldedBefore, lake: lake - lakeBefore };
        for (const [stage, done] of Object.entries(progress)) if (done >= burst.length) stageDoneAt[stage] ??= performance.now();
        if (Object.keys(stageDoneAt).length === 3) break;
        if (performance.now() - burstStart > 600_000) throw new Error('the suite did not catch up within 10 minutes');
        await sleep(200);
      }
    } finally {
      clearInterval(burstSampler);
    }
    const cpu = burst.length > 0 ? cpuPerEvent(cpuBefore, await cpuSeconds(processes), await postgresProcessNames(database.url), burst.length) : null;
    if (cpu) console.error(`[bench] burst, CPU µs per event: ${JSON.stringify(cpu)}`);
    // Simulated history spans many event-time hours, and each roll writes a file per hour folder it touches.
    const lakeFiles = (await metric('lake', 'lake_files_written_total')) - lakeFilesBefore;
    const burstAlerts = (await metric('scoring', 'scoring_alerts_raised_total')) - alertsBeforeBurst;
    const burstRss = new Map([...memory].map(([s, values]) => [s, Math.max(...values)]));
    const perSecond = (at: number) => Math.round(burst.length / ((at - burstStart) / 1000));
    const stageRates = Object.fromEntries(Object.entries(stageDoneAt).map(([stage, at]) => [stage, perSecond(at)]));
    const throughput = perSecond(Math.max(...Object.values(stageDoneAt)));
    const ingestRate = perSecond(sentBy);
    console.error(`[bench] burst of ${burst.length}: ingest took ${ingestRate}/s; every stage done at ${throughput}/s (${JSON.stringify(stageRates)}); ${lakeFiles} lake files`);

    // 3. What the stores hold for every event sent (alerts: the rule's and the model's, ~1 in 40 here).
    const alertsRaised = await metric('scoring', 'scoring_alerts_raised_total');
    const redis = new Redis(REDIS_URL);
    const storage = await storageUsage(redis, { topicPrefix: `${run}.`, statePrefix: run, databaseUrl: database.url, lakeDir }).finally(() => redis.disconnect());
    const storagePerMillion = perMillionEvents(storage, sentInAll);
    console.error(`[bench] storage, MB per million events (${sentInAll} sent): ${JSON.stringify(storagePerMillion)}`);

    const report = {
      command: benchCommand('bench'), machine: benchMachine(), at: new Date().toISOString(), bus: 'Redis Streams',
      latency: {
        rate: RATE, seconds: SECONDS, alerts: latencies.length, ms: rounded(latency),
        stages: { acceptedToRaisedMs: rounded(toRaised), raisedToReceivedMs: rounded(toReceived) },
      },
      throughput: { events: burst.length, alerts: BURST_ALERTS, alertsRaised: burstAlerts, ingestAcceptedPerSecond: ingestRate, allStagesPerSecond: throughput, stagePerSecond: stageRates, lakeFiles, cpuMicrosPerEvent: cpu },
      rssMb: Object.fromEntries([...steadyRss].map(([s, steadyMax]) => [s, { steadyMax, burstMax: burstRss.get(s) }])),
      storage: { events: sentInAll, alerts: alertsRaised, bytes: storage, mbPerMillionEvents: storagePerMillion },
    };
    await writeFile(resolve(__dirname, '../../bench/results/suite-latency.svg'), latencySvg(latencies));
    writeBenchReport('suite', report, [
      '# End-to-end benchmark',
      '',
      `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), ${report.at}. The four services as processes (ingest's lake sink in one of its own) on Redis Streams, Postgres, the trained model, a local webhook receiver, and the simulator's traffic over HTTP, all on this machine.`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| HTTP 202 → webhook received, p50 ms (${RATE} events/s for ${SECONDS} s, ${latencies.length} alerts; a rule alerts on payments ≥ 100) | ${report.latency.ms.p50} |`,
      `| … p90 ms | ${report.latency.ms.p90} |`,
      `| … p99 ms | ${report.latency.ms.p99} |`,
      `| … of which 202 → alert raised by scoring, p50 / p99 ms | ${toRaised.p50.toFixed(1)} / ${toRaised.p99.toFixed(1)} |`,
      `| … of which alert raised → webhook received, p50 / p99 ms | ${toReceived.p50.toFixed(1)} / ${toReceived.p99.toFixed(1)} |`,
      `| burst of ${burst.length.toLocaleString('en')} events (${BURST_ALERTS === 'model' ? 'the shipped model and default rules' : 'with the rule alerting on payments ≥ 100'}: ${burstAlerts.toLocaleString('en')} alerts, ${((burstAlerts / burst.length) * 100).toFixed(2)}% of events): ingest accepted, events/s | ${ingestRate.toLocaleString('en')} |`,
      `| … every stage (lake, scoring, profiles) done, events/s | ${throughput.toLocaleString('en')} |`,
      ...Object.entries(stageRates).map(([stage, rate]) => `| … ${stage} done, events/s | ${rate.toLocaleString('en')} |`),
      `| … lake files written for it (a file per event-time hour per roll) | ${lakeFiles.toLocaleString('en')} |`,
      ...(cpu ? [
        `| … CPU µs per event, every process (two cores give 100 at 20,000 events/s) | ${cpu.byProcess.total} |`,
        `| … of which ${Object.entries(cpu.byProcess).filter(([name]) => name !== 'total').map(([name, us]) => `${name} ${us}`).join(', ')} | |`,
        `| … Postgres's part by client: ${Object.entries(cpu.postgresByClient).map(([name, us]) => `${name} ${us}`).join(', ')} | |`,
      ] : []),
      ...Object.entries(report.rssMb).map(([s, r]) => `| ${s} resident memory, max MB: at ${RATE} events/s / during the burst | ${r.steadyMax} / ${r.burstMax} |`),
      `| storage, MB per million events (${sentInAll.toLocaleString('en')} sent, ${alertsRaised.toLocaleString('en')} alerts), before any retention: | |`,
      ...Object.entries(storagePerMillion).map(([what, mb]) => `| … ${what} | ${mb} |`),
      '',
      '![latency](suite-latency.svg)',
      '',
    ].join('\n'));
  } finally {
    await Promise.all([...processes.values()].map(stopServiceProcess));
    await receiver.close();
    await database.drop();
    await rm(lakeDir, { recursive: true, force: true });
    await emptyBenchRedis();
  }
  process.exit(0);
}

/** CPU seconds so far of each suite process, Redis, every Postgres process and this process (the load generator). */
async function cpuSeconds(processes: Map<Service, ChildProcess>) {
  const redis = new Redis(REDIS_URL);
  const own = process.cpuUsage();
  try {
    return {
      services: new Map([...processes].map(([name, child]) => [name, processCpuSeconds(child.pid as number) ?? Number.NaN])),
      redis: await redisCpuSeconds(redis),
      postgres: postgresCpuSeconds(),
      load: (own.user + own.system) / 1e6,
    };
  } finally {
    redis.disconnect();
  }
}

/** CPU µs per event between two readings: by process with their total, and Postgres's part by the client its backends served. */
function cpuPerEvent(from: Awaited<ReturnType<typeof cpuSeconds>>, to: Awaited<ReturnType<typeof cpuSeconds>>, postgresNames: Map<number, string>, events: number) {
  const postgres = postgresCpuBetween(from.postgres, to.postgres, postgresNames);
  const seconds: Record<string, number> = {
    ...Object.fromEntries([...to.services].map(([name, s]) => [name, s - (from.services.get(name) as number)])),
    redis: to.redis - from.redis,
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

const rounded = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v.toFixed(2))]));

/** A histogram of latencies as an SVG image: 40 bins up to the 99.5th percentile. */
function latencySvg(samples: number[]): string {
  const top = percentiles(samples, [99.5])['p99.5'] || 1;
  const bins = new Array<number>(40).fill(0);
  for (const s of samples) bins[Math.min(39, Math.floor((s / top) * 40))]++;
  const most = Math.max(1, ...bins);
  const bars = bins.map((n, i) => `<rect x="${40 + i * 14}" y="${220 - (n / most) * 180}" width="12" height="${(n / most) * 180}" fill="#4a7bd0"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="260" font-family="sans-serif" font-size="12">
<text x="40" y="20">HTTP 202 to webhook received: ${samples.length} alerts</text>${bars}
<line x1="40" y1="220" x2="600" y2="220" stroke="#333"/><text x="40" y="240">0 ms</text><text x="560" y="240">${top.toFixed(0)} ms</text>
</svg>
`;
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
