/**
 * `npm run bench:lake`: how fast the lake sink turns events.enriched into Parquet, on each bus
 * engine. Fills a topic of its own with enriched events shaped like ingest's output, then runs
 * the sink (consumer group, default roll settings, the service ingest runs) until every event is
 * in a durable file. Compare with `npm run bench:ingest`: the sink keeps up when it is faster.
 * Writes bench/results/lake.json and .md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBus, silentBusLogger, type BatchContext, type MessageBus, type RecordBatch } from '@app/bus';
import type { EnrichedEvent } from '@app/contracts';
import { LakeFilesRepository } from '../../apps/lake/src/lake-files.repository';
import { filesAtOnce } from '../../apps/lake/src/lake-sink.consumer';
import { LakeSinkService } from '../../apps/lake/src/lake-sink.service';
import { benchArg as arg, benchCommand, benchMachine, writeBenchReport } from './bench-report';
import { median, percentiles } from './percentiles';

const EVENTS = Number(arg('events', '300000'));
const PARTITIONS = Number(arg('partitions', '4'));
const RUNS = Number(arg('runs', '3'));
const ROLL_BYTES = Number(arg('roll-bytes', String(8 * 1024 * 1024)));
// Under a backlog the byte size cuts every roll; the interval only delays the last, partial one,
// which the clock counts: a short interval keeps that tail from hiding the sink's rate.
const ROLL_INTERVAL_MS = Number(arg('roll-interval-ms', '500'));
// Event time between consecutive events: 20 ms puts a roll in one or two event-time hours, as live traffic
// is; a replay of history, or the suite's simulated weeks sent in seconds, spreads a roll over many (a file each).
const EVENT_SPACING_MS = Number(arg('event-spacing-ms', '20'));
const engines: Record<string, string> = { redis: 'redis://127.0.0.1:6379/14', kafka: `kafka://${process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092'}` };
const selected = arg('engines', 'redis,kafka').split(',');

function enrichedEvent(n: number): EnrichedEvent {
  const user = n % 50_000;
  return {
    eventId: `lake-${n}-${user.toString(36)}`,
    type: n % 3 === 0 ? 'transaction' : 'page_view',
    userId: `user-${user}`,
    occurredAt: new Date(Date.UTC(2026, 10, 23, 8) + n * EVENT_SPACING_MS).toISOString(),
    receivedAt: new Date().toISOString(),
    source: 'http',
    ...(n % 3 === 0
      ? { amount: (n % 20000) / 100, currency: 'EUR', merchantId: `m-${n % 400}` }
      : { properties: { page: `/p/${n % 500}`, category: `c${n % 12}` } }),
    ip: `81.${(user >> 8) & 255}.${user & 255}.${n % 7}`,
    deviceId: `d-${user}`,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    geo: { country: 'GB', region: 'England', city: 'London', latitude: 51.5074, longitude: -0.1278 },
    ua: { browser: 'Chrome', browserVersion: '124.0.0.0', os: 'Windows', osVersion: '10', deviceType: 'desktop', isBot: false },
    merchant: n % 3 === 0 ? { category: 'electronics', riskTier: 'low' } : null,
    flags: n % 3 === 0 ? [] : ['merchant_unknown'],
  };
}

async function fill(bus: MessageBus, topic: string): Promise<number> {
  let bytes = 0;
  for (let from = 0; from < EVENTS; from += 5_000) {
    const records = Array.from({ length: Math.min(5_000, EVENTS - from) }, (_, k) => {
      const event = enrichedEvent(from + k);
      const value = JSON.stringify(event);
      bytes += value.length;
      return { key: event.userId, value };
    });
    await bus.publish(topic, records);
  }
  return bytes;
}

async function drain(bus: MessageBus, topic: string) {
  const lakeDir = await mkdtemp(join(tmpdir(), 'lake-bench-'));
  const sink = new LakeSinkService(new LakeFilesRepository({ LAKE_DIR: lakeDir }));
  const handlerMs: number[] = [];
  let rows = 0;
  let files = 0;
  let parquetBytes = 0;
  const started = performance.now();
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const write = async (batches: RecordBatch[], context: BatchContext): Promise<void> => {
    const t = performance.now();
    const written = await sink.write(batches, context, filesAtOnce(batches, ROLL_BYTES));
    handlerMs.push(performance.now() - t);
    rows += written.rows;
    files += written.files;
    parquetBytes += written.bytes;
    if (rows >= EVENTS) finished();
  };
  // As apps/lake's consumer: a roll's partitions together where the engine can (Redis Streams).
  const consumer = await bus.consume({
    group: `lake-bench-${Date.now().toString(36)}`,
    topics: [topic],
    deadLetterTopic: `${topic}.dlq`,
    maxBatchSize: 1_000_000,
    accumulate: { minBytes: ROLL_BYTES, maxWaitMs: ROLL_INTERVAL_MS },
    handler: (batch, context) => write([batch], context),
    handleTogether: (batches, context) => write(batches, context),
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  await consumer.stop();
  await rm(lakeDir, { recursive: true, force: true });
  return {
    rowsPerSecond: Math.round(rows / seconds),
    files,
    rowsPerFile: Math.round(rows / files),
    parquetBytesPerRow: Number((parquetBytes / rows).toFixed(1)),
    batchMs: percentiles(handlerMs, [50, 99]),
  };
}

async function main() {
  const results = [];
  for (const engine of selected) {
    const bus = createBus({ url: engines[engine], clientId: 'lake-bench', logger: silentBusLogger });
    const topic = `lake-bench-${Date.now().toString(36)}`;
    await bus.ensureTopics([
      { topic, partitions: PARTITIONS },
      { topic: `${topic}.dlq`, partitions: 1 },
    ]);
    try {
      const bytes = await fill(bus, topic);
      const runs = [];
      for (let run = 1; run <= RUNS; run++) {
        runs.push(await drain(bus, topic));
        const r = runs[run - 1];
        process.stderr.write(`${engine} run ${run}/${RUNS}: ${r.rowsPerSecond} rows/s, ${r.files} files, batch p50 ${r.batchMs.p50.toFixed(0)} ms\n`);
      }
      results.push({
        engine,
        medianRowsPerSecond: median(runs.map((r) => r.rowsPerSecond)),
        runs: runs.map((r) => r.rowsPerSecond),
        medianRowsPerFile: median(runs.map((r) => r.rowsPerFile)),
        batchMsP50: Number(median(runs.map((r) => r.batchMs.p50)).toFixed(1)),
        jsonBytesPerEvent: Math.round(bytes / EVENTS),
        parquetBytesPerEvent: median(runs.map((r) => r.parquetBytesPerRow)),
      });
    } finally {
      await bus.deleteTopics([topic, `${topic}.dlq`]);
      await bus.close();
    }
  }
  const report = {
    benchmark: 'lake',
    at: new Date().toISOString(),
    command: benchCommand('bench:lake'),
    machine: benchMachine(),
    settings: { events: EVENTS, partitions: PARTITIONS, runs: RUNS, rollBytes: ROLL_BYTES, rollIntervalMs: ROLL_INTERVAL_MS },
    results,
  };
  const md = [
    `# Lake sink benchmark (${report.at})`,
    '',
    `\`${report.command}\` on ${report.machine.cpus} cores (${report.machine.cpuModel}), Node ${report.machine.node}; bus and sink on the same machine.`,
    `${EVENTS} enriched events ${EVENT_SPACING_MS} ms apart in event time on ${PARTITIONS} partitions, drained by a new consumer group into Parquet (ZSTD, fsync + rename per file), roll at ${ROLL_BYTES} bytes or ${ROLL_INTERVAL_MS} ms; median of ${RUNS} runs. A run ends when every event is in a durable file.`,
    '',
    '| engine | rows/s | runs | rows per file | handler ms p50 (parse, encode, write) | JSON bytes/event | Parquet bytes/event |',
    '|---|---:|---|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.engine} | ${r.medianRowsPerSecond} | ${r.runs.join(', ')} | ${r.medianRowsPerFile} | ${r.batchMsP50} | ${r.jsonBytesPerEvent} | ${r.parquetBytesPerEvent} |`,
    ),
    '',
  ].join('\n');
  writeBenchReport('lake', report, md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
