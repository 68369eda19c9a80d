/**
 * `npm run train`: the default model, reproducibly.
 * 1. Simulates traffic (tools/simulate, same seed, same events) and enriches it offline with the
 *    function ingest uses (enrichEvent) and the same geo database.
 * 2. Computes features with the scoring service's FeatureEngine, event by event in time order, so
 *    offline and online features are one implementation.
 * 3. Trains gradient-boosted trees with XGBoost (xgboost4j from Maven Central, run by
 *    tools/train/XgboostTrainer.java) on one week, skips one week (the label delay), tests on the next:
 *    the handbook's protocol. Reports AUC ROC, average precision and card precision@100.
 * 4. Exports the trees to ONNX, checks the ONNX scores equal XGBoost's, and writes the model folder
 *    (manifest.json, model.onnx, report.md).
 *
 *   npm run train [-- --out models/default --seed 42 --rounds 300]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GeoLookup } from '@app/enrichment';
import { DEFAULT_FEATURE_CONFIG, FeatureEngine, featureEventOf, MerchantState, UserState } from '@app/features';
import { boostedTreesModel, OnnxModel, saveModel } from '@app/model';
import { SIMULATION_ARGS, simulationOptions } from '../simulate/simulate';
import { enrichedSimulation } from '../simulate/enriched-simulation';
import { aucRoc, averagePrecision, cardPrecisionAtK, type ScoredTransaction } from './metrics';
import { xgboostTrees } from './xgboost-trees';

/** The default model's features: the handbook's fifteen, then what this platform adds (velocity, devices, countries, bursts). */
export const DEFAULT_FEATURES = [
  'event.amount', 'event.is_weekend', 'event.is_night',
  'user.tx_count.1d', 'user.tx_count.7d', 'user.tx_count.30d',
  'user.tx_amount_mean.1d', 'user.tx_amount_mean.7d', 'user.tx_amount_mean.30d',
  'merchant.labelled_tx_count.1d', 'merchant.labelled_tx_count.7d', 'merchant.labelled_tx_count.30d',
  'merchant.fraud_rate.1d', 'merchant.fraud_rate.7d', 'merchant.fraud_rate.30d',
  'user.amount_to_mean.30d', 'user.tx_count.1h', 'user.login_count.1d', 'user.seconds_since_prev',
  'event.is_new_device', 'event.is_new_country', 'user.distinct_countries.1d', 'user.distinct_devices.7d', 'user.geo_velocity_kmh',
];

/** The handbook's protocol on day numbers of the simulation: train a week, skip a week, test a week. */
const PROTOCOL = { trainStartDay: 42, trainDays: 7, delayDays: 7, testDays: 7 };
const XGBOOST_PARAMS = {
  objective: 'binary:logistic', max_depth: 6, eta: 0.1, subsample: 0.8, colsample_bytree: 0.8, min_child_weight: 1,
  base_score: 0.5, tree_method: 'hist', nthread: 2, seed: 7,
};
const DAY_MS = 86_400_000;

interface Split {
  rows: number[];
  labels: number[];
  transactions: Array<{ customer: string; day: number; fraud: boolean }>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { ...SIMULATION_ARGS, out: { type: 'string', default: 'models/default' }, rounds: { type: 'string', default: '300' } } });
  const started = Date.now();
  const geo = await GeoLookup.open();
  const options = simulationOptions(values, geo);
  if (options.days < PROTOCOL.trainStartDay + PROTOCOL.trainDays + PROTOCOL.delayDays + PROTOCOL.testDays) throw new Error('--days must cover the training protocol (at least 63)');
  const engine = new FeatureEngine(DEFAULT_FEATURES, DEFAULT_FEATURE_CONFIG);
  const users = new Map<string, UserState>();
  const merchants = new Map<string, MerchantState>();
  const train: Split = { rows: [], labels: [], transactions: [] };
  const test: Split = { rows: [], labels: [], transactions: [] };
  const testFrom = PROTOCOL.trainStartDay + PROTOCOL.trainDays + PROTOCOL.delayDays;
  let processed = 0;

  for (const { event, fraud } of enrichedSimulation(options, geo)) {
    const features = featureEventOf(event);
    let user = users.get(event.userId);
    if (!user) users.set(event.userId, (user = new UserState()));
    let merchant = event.merchantId ? merchants.get(event.merchantId) : undefined;
    if (event.merchantId && !merchant) merchants.set(event.merchantId, (merchant = new MerchantState()));
    const { values: row } = engine.process(features, user, merchant ?? null);
    if (++processed % 200_000 === 0) process.stderr.write(`\r[train] ${processed.toLocaleString('en')} events through the feature engine`);
    if (event.type !== 'transaction') continue;
    const day = Math.floor((features.time - options.start.getTime()) / DAY_MS);
    const split = day >= PROTOCOL.trainStartDay && day < PROTOCOL.trainStartDay + PROTOCOL.trainDays ? train : day >= testFrom && day < testFrom + PROTOCOL.testDays ? test : null;
    if (!split) continue;
    split.rows.push(...row);
    split.labels.push(fraud ? 1 : 0);
    split.transactions.push({ customer: event.userId, day, fraud: fraud !== undefined });
  }
  process.stderr.write(`\r[train] ${processed.toLocaleString('en')} events; ${train.labels.length.toLocaleString('en')} training and ${test.labels.length.toLocaleString('en')} test transactions\n`);

  const width = DEFAULT_FEATURES.length;
  const work = await mkdtemp(join(tmpdir(), 'train-'));
  try {
    const file = (name: string) => join(work, name);
    await writeFile(file('train.bin'), Buffer.from(Float32Array.from(train.rows).buffer));
    await writeFile(file('train-labels.bin'), Buffer.from(Float32Array.from(train.labels).buffer));
    await writeFile(file('test.bin'), Buffer.from(Float32Array.from(test.rows).buffer));
    const classpath = execFileSync('bash', [resolve(__dirname, '../../scripts/xgboost.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const params = Object.entries(XGBOOST_PARAMS).map(([k, v]) => `${k}=${v}`).join(',');
    process.stderr.write(`[train] XGBoost: ${values.rounds} rounds, ${params}\n`);
    execFileSync('java', ['-cp', classpath, resolve(__dirname, 'XgboostTrainer.java'), file('train.bin'), file('train-labels.bin'), String(train.labels.length), String(width), params, values.rounds as string, file('dump.json'), file('test.bin'), String(test.labels.length), file('xgboost-test.bin')], { stdio: 'inherit' });

    const onnx = boostedTreesModel({ inputName: 'features', featureCount: width, trees: xgboostTrees(JSON.parse(await readFile(file('dump.json'), 'utf8'))), baseMargin: 0 });
    const baseline = DEFAULT_FEATURES.map((_, f) => mean(train.rows, f, width));
    const folder = resolve(values.out as string);
    const version = createHash('sha256').update(onnx).digest('hex').slice(0, 12);
    const manifest = {
      id: 'sentinel-xgboost', version, input: 'features', output: 'probabilities', features: DEFAULT_FEATURES, baseline: baseline.map((b) => Math.round(b * 1e4) / 1e4),
      thresholds: { review: 0.5, block: 0.9, alert: 0.7 },
    };
    const manifestPath = await saveModel(folder, manifest, onnx);

    // The exported model must score as XGBoost itself does.
    const model = await OnnxModel.load(manifestPath);
    const scores = await model.score(Float32Array.from(test.rows), test.labels.length);
    await model.release();
    const reference = new Float32Array((await readFile(file('xgboost-test.bin'))).buffer.slice(0));
    const maxDifference = scores.reduce((max, s, i) => Math.max(max, Math.abs(s - reference[i])), 0);
    if (maxDifference > 1e-4) throw new Error(`the ONNX export scores differ from XGBoost's by up to ${maxDifference}`);

    const scored: ScoredTransaction[] = test.transactions.map((t, i) => ({ ...t, score: scores[i] }));
    const quality = {
      aucRoc: round(aucRoc(scores, test.labels)),
      averagePrecision: round(averagePrecision(scores, test.labels)),
      cardPrecisionAt100: round(cardPrecisionAtK(scored, 100)),
    };
    const training = {
      trained: true,
      library: 'XGBoost 3.4.0 (xgboost4j, Maven Central)',
      params: { ...XGBOOST_PARAMS, rounds: Number(values.rounds) },
      simulation: { seed: options.seed, customers: options.customers, terminals: options.terminals, days: options.days, start: options.start.toISOString().slice(0, 10) },
      protocol: { ...PROTOCOL, trainTransactions: train.labels.length, trainFrauds: sum(train.labels), testTransactions: test.labels.length, testFrauds: sum(test.labels) },
      quality,
      onnxMatchesXgboost: `max |difference| ${maxDifference.toExponential(1)}`,
      command: `npm run train${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    };
    await saveModel(folder, { ...manifest, training }, onnx);
    await writeFile(join(folder, 'report.md'), report(training));
    console.log(report(training));
    process.stderr.write(`[train] wrote ${folder} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function report(t: { params: object; simulation: object; protocol: typeof PROTOCOL & Record<string, number>; quality: Record<string, number>; onnxMatchesXgboost: string; command: string }): string {
  const p = t.protocol;
  return [
    '# Default model: quality report',
    '',
    `Produced by \`${t.command}\`. Gradient-boosted trees (XGBoost) over ${DEFAULT_FEATURES.length} features of the scoring catalogue, computed by the scoring service's own feature engine.`,
    '',
    `Protocol (the handbook's): train on simulation days ${p.trainStartDay}–${p.trainStartDay + p.trainDays - 1} (${p.trainTransactions.toLocaleString('en')} transactions, ${p.trainFrauds} frauds), skip ${p.delayDays} days (labels arrive late), test on days ${p.trainStartDay + p.trainDays + p.delayDays}–${p.trainStartDay + p.trainDays + p.delayDays + p.testDays - 1} (${p.testTransactions.toLocaleString('en')} transactions, ${p.testFrauds} frauds).`,
    '',
    '| measure | test | handbook\'s best baseline |',
    '|---|---:|---:|',
    `| AUC ROC | ${t.quality.aucRoc} | 0.871 (logistic regression) |`,
    `| average precision | ${t.quality.averagePrecision} | 0.658 (random forest) |`,
    `| card precision@100 | ${t.quality.cardPrecisionAt100} | |`,
    '',
    `Simulation: ${JSON.stringify(t.simulation)}. XGBoost: ${JSON.stringify(t.params)}.`,
    `The ONNX export scores the test set as XGBoost does (${t.onnxMatchesXgboost}).`,
    '',
  ].join('\n');
}

const mean = (rows: number[], column: number, width: number) => {
  let total = 0;
  for (let i = column; i < rows.length; i += width) total += rows[i];
  return total / (rows.length / width);
};
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const round = (x: number) => Math.round(x * 1e4) / 1e4;

if (require.main === module) {
  void main().catch((error: Error) => {
    console.error(`[train] ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
