/**
 * `npm run bench:bus`: produce, consume-and-commit, and produce-to-handler latency on each engine,
 * the broker on this machine; Kafka both in plaintext and over SASL_SSL (TLS with SCRAM-SHA-512, as
 * managed clusters require), so the cost of the secured connection is one ratio of one run. Records are ~300-byte JSON events keyed by user. Writes
 * bench/results/bus.json and bench/results/bus.md. Throughputs are medians of --runs runs.
 */
import { totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createBus, silentBusLogger, type KafkaSettings, type MessageBus, type OutgoingRecord } from '@app/bus';
import { securedKafkaSettings } from '@app/testing';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { median, percentiles } from './percentiles';

const RECORDS = Number(arg('records', '300000'));
const RUNS = Number(arg('runs', '3'));
const PARTITIONS = Number(arg('partitions', '4'));
const LATENCY_RATE = Number(arg('rate', '5000'));
const LATENCY_SECONDS = Number(arg('seconds', '10'));
const PUBLISH_CALL = 500; // records per publish() call, like an ingest request batch
const PUBLISH_CONCURRENCY = 16; // calls in flight, like concurrent HTTP requests
const engines: Record<string, { url: string; kafka?: KafkaSettings }> = {
  kafka: { url: `kafka://${process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092'}`, kafka: {} },
  'kafka-sasl-ssl': {
    url: process.env.TEST_KAFKA_SASL_SSL_URL ?? 'kafka+ssl://127.0.0.1:9094',
    kafka: securedKafkaSettings(process.env.TEST_KAFKA_SSL_CA_FILE ?? '.cache/kafka/node-9092/tls/ca.crt'),
  },
  redis: { url: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14' },
};
const selected = arg('engines', 'kafka,kafka-sasl-ssl,redis').split(',');
const PRODUCER_THREADS = Number(arg('producer-threads', '2'));

function makeRecords(count: number): OutgoingRecord[] {
  const records: OutgoingRecord[] = [];
  for (let i = 0; i < count; i++) {
    const userId = `user-${(i * 7919) % 20000}`;
    const value = JSON.stringify({
      eventId: `evt-${i.toString().padStart(10, '0')}`,
      type: 'transaction',
      userId,
      occurredAt: new Date(1_763_900_000_000 + i).toISOString(),
      amount: ((i * 37) % 50000) / 100,
      currency: 'EUR',
      merchantId: `m-${i % 500}`,
      ip: `81.2.${i % 250}.${(i * 3) % 250}`,
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
    });
    records.push({ key: userId, value });
  }
  return records;
}

const progress = (text: string) => process.stderr.write(`\r\x1b[K${text}`);

/** Publishes `total` records cycled from a pool (a real producer's heap holds in-flight records, not the whole run). */
async function produce(bus: MessageBus, topic: string, pool: OutgoingRecord[], total: number): Promise<number> {
  const calls = Array.from({ length: Math.ceil(pool.length / PUBLISH_CALL) }, (_, i) => pool.slice(i * PUBLISH_CALL, (i + 1) * PUBLISH_CALL));
  const started = performance.now();
  let sent = 0;
  let call = 0;
  const worker = async () => {
    while (sent < total) {
      const records = calls[call++ % calls.length].slice(0, total - sent);
      sent += records.length;
      await bus.publish(topic, records);
    }
  };
  await Promise.all(Array.from({ length: PUBLISH_CONCURRENCY }, worker));
  return total / ((performance.now() - started) / 1000);
}

async function consumeAll(bus: MessageBus, topic: string, expected: number, group: string): Promise<number> {
  let count = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const started = performance.now();
  const consumer = await bus.consume({
    group,
    topics: [topic],
    deadLetterTopic: `${topic}.dlq`,
    maxBatchSize: 1000,
    handler: async (batch) => {
      count += batch.records.length;
      if (count >= expected) done();
    },
  });
  const timer = setInterval(() => progress(`  consumed ${count}/${expected}`), 250);
  await finished;
  const rate = expected / ((performance.now() - started) / 1000);
  clearInterval(timer);
  await consumer.stop();
  return rate;
}

async function latency(bus: MessageBus, topic: string): Promise<Record<string, number>> {
  const samples: number[] = [];
  const consumer = await bus.consume({
    group: `${topic}-latency`,
    topics: [topic],
    deadLetterTopic: `${topic}.dlq`,
    fromBeginning: false,
    handler: async (batch) => {
      const now = performance.now();
      for (const r of batch.records) samples.push(now - JSON.parse(r.value.toString()).sentAt);
    },
  });
  await bus.publish(topic, [{ key: 'warm-up', value: JSON.stringify({ sentAt: performance.now() }) }]);
  await new Promise((r) => setTimeout(r, 1000)); // let the group settle before the clock starts
  samples.length = 0;
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const started = performance.now();
  let sent = 0;
  const pending: Promise<void>[] = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * LATENCY_RATE));
    if (due > sent) {
      const batch: OutgoingRecord[] = [];
      for (; sent < due; sent++)
        batch.push({ key: `user-${sent % 20000}`, value: JSON.stringify({ seq: sent, sentAt: performance.now(), pad: 'x'.repeat(220) }) });
      pending.push(bus.publish(topic, batch));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  const deadline = Date.now() + 30_000;
  while (samples.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.stop();
  if (samples.length < total) throw new Error(`latency run lost records: ${samples.length}/${total}`);
  const achieved = total / LATENCY_SECONDS;
  return { ratePerSecond: achieved, ...percentiles(samples, [50, 90, 99, 99.9, 100]) };
}

interface EngineRuns {
  engine: string;
  bus: MessageBus;
  produceRates: number[];
  consumeRates: number[];
  latencyRuns: Record<string, number>[];
}

async function throughputRun(e: EngineRuns, pool: OutgoingRecord[], run: number): Promise<void> {
  const topic = `bench-${e.engine}-${Date.now().toString(36)}`;
  await e.bus.ensureTopics([
    { topic, partitions: PARTITIONS },
    { topic: `${topic}.dlq`, partitions: 1 },
  ]);
  await e.bus.publish(topic, pool.slice(0, 1000)); // warm-up: connections and threads ready before the clock
  progress(`${e.engine} run ${run}/${RUNS}: producing ${RECORDS}`);
  e.produceRates.push(await produce(e.bus, topic, pool, RECORDS));
  progress(`${e.engine} run ${run}/${RUNS}: consuming`);
  e.consumeRates.push(await consumeAll(e.bus, topic, RECORDS + 1000, `${topic}-group`));
  await e.bus.deleteTopics([topic, `${topic}.dlq`]);
  progress(`${e.engine} run ${run}/${RUNS}: produce ${Math.round(e.produceRates[run - 1])}/s, consume ${Math.round(e.consumeRates[run - 1])}/s\n`);
}

async function latencyRun(e: EngineRuns, run: number): Promise<void> {
  const topic = `bench-${e.engine}-latency-${Date.now().toString(36)}`;
  await e.bus.ensureTopics([
    { topic, partitions: PARTITIONS },
    { topic: `${topic}.dlq`, partitions: 1 },
  ]);
  progress(`${e.engine} latency run ${run}/${RUNS}: ${LATENCY_RATE}/s for ${LATENCY_SECONDS}s`);
  e.latencyRuns.push(await latency(e.bus, topic));
  await e.bus.deleteTopics([topic, `${topic}.dlq`]);
  progress(`${e.engine} latency run ${run}/${RUNS}: p50 ${e.latencyRuns[run - 1].p50.toFixed(2)} ms, p99 ${e.latencyRuns[run - 1].p99.toFixed(2)} ms\n`);
}

function summary(e: EngineRuns, bytes: number) {
  // Each percentile's median over the runs: one noisy run (a GC, a neighbour) does not decide it.
  const latencyMs: Record<string, number> = {};
  for (const key of Object.keys(e.latencyRuns[0])) latencyMs[key] = median(e.latencyRuns.map((r) => r[key]));
  return {
    engine: e.engine,
    recordBytes: Math.round(bytes),
    records: RECORDS,
    runs: RUNS,
    partitions: PARTITIONS,
    produce: { medianPerSecond: Math.round(median(e.produceRates)), runs: e.produceRates.map(Math.round) },
    consumeAndCommit: { medianPerSecond: Math.round(median(e.consumeRates)), runs: e.consumeRates.map(Math.round) },
    latencyMs,
    latencyP99ByRun: e.latencyRuns.map((r) => Number(r.p99.toFixed(2))),
  };
}

/**
 * Engines take turns run by run (A B A B ...), so a broker warming up, or a busy minute on the machine,
 * weighs on every engine alike and their ratios hold.
 */
async function benchEngines(names: string[]) {
  const pool = makeRecords(20_000);
  const bytes = pool.reduce((sum, r) => sum + Buffer.byteLength(r.value as string), 0) / pool.length;
  const runs: EngineRuns[] = names.map((engine) => ({
    engine,
    bus: createBus({
      url: engines[engine].url,
      clientId: `bench-${engine}`,
      logger: silentBusLogger,
      producerThreads: PRODUCER_THREADS,
      kafka: engines[engine].kafka,
    }),
    produceRates: [],
    consumeRates: [],
    latencyRuns: [],
  }));
  try {
    for (let run = 1; run <= RUNS; run++) for (const e of runs) await throughputRun(e, pool, run);
    for (let run = 1; run <= RUNS; run++) for (const e of runs) await latencyRun(e, run);
    return runs.map((e) => summary(e, bytes));
  } finally {
    await Promise.all(runs.map((e) => e.bus.close()));
  }
}

/** SASL_SSL over plaintext, measured in the same run: what securing the connection costs. */
function securedAgainstPlain(
  results: Array<{ engine: string; produce: { medianPerSecond: number }; consumeAndCommit: { medianPerSecond: number }; latencyMs: Record<string, number> }>,
): string[] {
  const plain = results.find((r) => r.engine === 'kafka');
  const secured = results.find((r) => r.engine === 'kafka-sasl-ssl');
  if (!plain || !secured) return [];
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  return [
    `SASL_SSL / plaintext, same run: produce ${ratio(secured.produce.medianPerSecond, plain.produce.medianPerSecond)}, consume+commit ${ratio(secured.consumeAndCommit.medianPerSecond, plain.consumeAndCommit.medianPerSecond)}, p50 latency ${ratio(secured.latencyMs.p50, plain.latencyMs.p50)}, p99 latency ${ratio(secured.latencyMs.p99, plain.latencyMs.p99)}.`,
    '',
  ];
}

async function main() {
  const results = await benchEngines(selected);
  const report = {
    benchmark: 'bus',
    at: new Date().toISOString(),
    command: benchCommand('bench:bus'),
    machine: { ...benchMachine(), memoryGiB: Math.round(totalmem() / 2 ** 30) },
    settings: {
      kafkaProducerThreads: PRODUCER_THREADS,
      publishCall: PUBLISH_CALL,
      publishConcurrency: PUBLISH_CONCURRENCY,
      latencyRate: LATENCY_RATE,
      latencySeconds: LATENCY_SECONDS,
    },
    results,
  };
  const f = (n: number) => n.toFixed(2);
  const md = [
    `# Bus benchmark (${report.at})`,
    '',
    `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), Node ${report.machine.node}; broker on the same machine.`,
    `~${results[0]?.recordBytes}-byte JSON records keyed by user, ${PARTITIONS} partitions, ${RECORDS} records per run, median of ${RUNS} runs;`,
    `Engines take turns run by run. Kafka producer threads: ${PRODUCER_THREADS}. Latency: produce-to-handler at ${LATENCY_RATE} records/s for ${LATENCY_SECONDS} s per run, each percentile the median over the runs.`,
    '',
    '| engine | produce rec/s | consume+commit rec/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | p99 per run |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...results.map(
      (r) =>
        `| ${r.engine} | ${r.produce.medianPerSecond} | ${r.consumeAndCommit.medianPerSecond} | ${f(r.latencyMs.p50)} | ${f(r.latencyMs.p90)} | ${f(r.latencyMs.p99)} | ${f(r.latencyMs['p99.9'])} | ${f(r.latencyMs.p100)} | ${r.latencyP99ByRun.join(', ')} |`,
    ),
    '',
    ...securedAgainstPlain(results),
  ].join('\n');
  writeBenchReport('bus', report, md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
