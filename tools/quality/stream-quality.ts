/**
 * `npm run quality`: fraud detection through the running suite, beside the same model offline.
 * Sends a simulated world to ingest (events, users and merchants of a run of their own: it can run
 * again against the same suite), reads every Score of it from the
 * `scores` topic, and measures AUC ROC, average precision and card precision@100 on the test days
 * against the simulator's ground truth. Offline, the same events go through FeatureReplay (every
 * chargeback's payment known) and the same model. Writes bench/results/quality.{md,json}.
 *
 *   npm run quality -- --days 59 --chargeback-delay 7d --chargeback-fields id --test-from 52
 *     [--rate 20000 --model models/default --url http://127.0.0.1:3001 --api-key KEY]
 *
 * BUS_URL and BUS_TOPIC_PREFIX say where the suite's topics are (as for the services).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBus, silentBusLogger } from '@app/bus';
import { topicNames, type Score } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { DEFAULT_FEATURE_CONFIG, featureEventOf, FeatureReplay } from '@app/features';
import { OnnxModel } from '@app/model';
import { DEMO_API_KEY, secretWithScope } from '@app/platform/http/api-keys';
import { benchCommand, benchMachine, writeBenchReport } from '../bench/bench-report';
import { enrichedSimulation } from '../simulate/enriched-simulation';
import { SIMULATION_ARGS, simulationOptions, toIngest } from '../simulate/simulate';
import { simulate, withIdPrefix, type SimulatedEvent } from '../simulate/simulation';
import { detectionQuality } from '../train/metrics';

const DAY_MS = 86_400_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...SIMULATION_ARGS,
      'test-from': { type: 'string' },
      'test-days': { type: 'string', default: '7' },
      rate: { type: 'string', default: '20000' },
      model: { type: 'string', default: 'models/default' },
      url: { type: 'string', default: 'http://127.0.0.1:3001' },
      'api-key': { type: 'string' },
      'timeout-s': { type: 'string', default: '1800' },
    },
  });
  const geo = await GeoLookup.open();
  const options = simulationOptions(values, geo);
  const testFrom = options.start.getTime() + Number(values['test-from'] ?? options.days - 7) * DAY_MS;
  const testTo = testFrom + Number(values['test-days']) * DAY_MS;
  const prefix = `q${Date.now().toString(36)}-`;
  const inTest = (e: SimulatedEvent['event']) => e.type === 'transaction' && Date.parse(e.occurredAt) >= testFrom && Date.parse(e.occurredAt) < testTo;

  // Offline: the model on features computed with every chargeback's payment known.
  const model = await OnnxModel.load(join(values.model as string, 'manifest.json'));
  const replay = new FeatureReplay(model.manifest.features, DEFAULT_FEATURE_CONFIG);
  const test: Array<{ eventId: string; customer: string; day: number; fraud: boolean }> = [];
  const rows: number[] = [];
  let events = 0;
  for (const { event, fraud } of enrichedSimulation(options, geo)) {
    const { values: row } = replay.process(featureEventOf(event));
    events++;
    if (!inTest(event)) continue;
    rows.push(...row);
    test.push({
      eventId: `${prefix}${event.eventId}`,
      customer: event.userId,
      day: Math.floor((Date.parse(event.occurredAt) - testFrom) / DAY_MS),
      fraud: fraud !== undefined,
    });
  }
  const offlineScores = await model.score(Float32Array.from(rows), test.length);
  await model.release();
  process.stderr.write(`[quality] ${events.toLocaleString('en')} events; ${test.length.toLocaleString('en')} test transactions scored offline\n`);

  // Online: the suite scores the same events, sent to ingest.
  const bus = createBus({ url: process.env.BUS_URL ?? 'redis://127.0.0.1:6379', clientId: 'quality', logger: silentBusLogger });
  const topics = topicNames(process.env.BUS_TOPIC_PREFIX ?? '');
  const wanted = new Set(test.map((t) => t.eventId));
  const online = new Map<string, number>();
  let scored = 0;
  const consumer = await bus.consume({
    group: `quality-${prefix}`,
    topics: [topics.scores],
    deadLetterTopic: topics.invalid,
    handler: async (batch) => {
      for (const record of batch.records) {
        const score = JSON.parse(record.value.toString()) as Score;
        if (!score.eventId.startsWith(prefix)) continue;
        scored++;
        if (wanted.has(score.eventId)) online.set(score.eventId, score.score);
      }
    },
  });
  const started = Date.now();
  const sent = await toIngest(
    (function* () {
      for (const e of simulate(options)) yield { ...e, event: withIdPrefix(e.event, prefix, { actors: true }) };
    })(),
    values.url as string,
    values['api-key'] ?? secretWithScope(process.env.API_KEYS, 'ingest') ?? DEMO_API_KEY,
    Number(values.rate),
    500,
  );
  process.stderr.write(
    `\n[quality] sent ${sent.sent.toLocaleString('en')} events (${sent.accepted.toLocaleString('en')} accepted, ${sent.rejected} rejected) in ${Math.round((Date.now() - started) / 1000)} s; waiting for their scores\n`,
  );
  const deadline = Date.now() + Number(values['timeout-s']) * 1000;
  while (online.size < wanted.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
  await consumer.stop();
  await bus.close();

  const missing = wanted.size - online.size;
  const labels = test.map((t) => (t.fraud ? 1 : 0));
  const onlineScores = test.map((t) => online.get(t.eventId) ?? 0);
  const measure = (scores: ArrayLike<number>) => detectionQuality(scores, labels, test);
  const report = {
    command: benchCommand('quality'),
    machine: benchMachine(),
    at: new Date().toISOString(),
    bus: process.env.BUS_URL ?? 'redis://127.0.0.1:6379',
    simulation: { seed: options.seed, customers: options.customers, terminals: options.terminals, days: options.days, chargebacks: options.chargebacks },
    model: { id: model.id, version: model.version },
    events: sent.sent,
    scores: scored,
    test: {
      from: new Date(testFrom).toISOString().slice(0, 10),
      days: Number(values['test-days']),
      transactions: test.length,
      frauds: labels.filter((l) => l === 1).length,
      missingScores: missing,
    },
    online: measure(onlineScores),
    offline: measure(offlineScores),
  };
  const markdown = [
    '# Detection through the running suite',
    '',
    `\`${report.command}\` on ${report.bus}, ${report.at.slice(0, 16)} UTC, ${benchMachine().cpus} cores (${benchMachine().cpuModel}). Model ${report.model.id} ${report.model.version}.`,
    `Simulator: ${JSON.stringify(report.simulation)}; ${report.events.toLocaleString('en')} events sent, ${report.scores.toLocaleString('en')} scores read.`,
    `Test days from ${report.test.from}, ${report.test.days} days: ${report.test.transactions.toLocaleString('en')} transactions, ${report.test.frauds} frauds (the simulator's ground truth); **${missing} without a score**.`,
    '',
    '| measure | online (the suite) | offline (every payment known) |',
    '|---|---:|---:|',
    `| AUC ROC | ${report.online.aucRoc} | ${report.offline.aucRoc} |`,
    `| average precision | ${report.online.averagePrecision} | ${report.offline.averagePrecision} |`,
    `| card precision@100 | ${report.online.cardPrecisionAt100} | ${report.offline.cardPrecisionAt100} |`,
    '',
  ].join('\n');
  writeBenchReport('quality', report, markdown);
  if (missing > 0) process.exitCode = 1;
}

if (require.main === module) {
  void main().catch((error: Error) => {
    console.error(`[quality] ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
