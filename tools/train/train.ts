/**
 * `npm run train`: a model trained on a history of events, by the handbook's protocol.
 * 1. Reads the history: a business's own lake (`--lake DIR`) or export (`--events FILE.ndjson`), or
 *    by default the simulator's world (tools/simulate, enriched offline as ingest would).
 * 2. Runs it in event-time order through FeatureReplay: the scoring service's own feature engine and
 *    chargeback resolution, so features are what scoring computed at the time. Labels are the
 *    chargebacks in the history, tied to their transactions by id.
 * 3. Trains gradient-boosted trees with XGBoost (xgboost4j from Maven Central, run by
 *    tools/train/XgboostTrainer.java) on the training days, skips the label-delay gap, tests on the
 *    test days (protocol.ts). Reports AUC ROC, average precision and card precision@100, with plots.
 * 4. Exports the trees to ONNX, checks the ONNX scores equal XGBoost's (also with merchant features
 *    missing), and writes the model folder (manifest.json, model.onnx, report.md, roc.png,
 *    precision-recall.png), servable at once by PUT /v1/models/active or /v1/models/shadow.
 *
 *   npm run train [-- --out models/default --rounds 300|auto]
 *   npm run train -- --lake data/lake --out models/ours [--test-from 2026-07-23 --train-from 7 --train-days 38]
 *   npm run train -- --events export.ndjson --out models/ours
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GeoLookup } from '@app/enrichment';
import { DEFAULT_FEATURE_CONFIG } from '@app/features';
import { boostedTreesModel, OnnxModel, saveModel } from '@app/model';
import { CURVE_COLOURS, plotCurves, precisionRecallPoints, rocPoints } from './curve-plot';
import { describeDays, HISTORY_ARGS, historyFrom, isoDay, PROTOCOL_ARGS, split } from './history';
import { labelledTransactions, type LabelledTransactions } from './labelled-transactions';
import { detectionQuality } from './metrics';
import { dayOption, DEFAULT_PROTOCOL, protocolFor, type Protocol } from './protocol';
import { xgboostTrees } from './xgboost-trees';

/** The default model's features: the handbook's fifteen, then what this platform adds (velocity, devices, countries, bursts). */
export const DEFAULT_FEATURES = [
  'event.amount',
  'event.is_weekend',
  'event.is_night',
  'user.tx_count.1d',
  'user.tx_count.7d',
  'user.tx_count.30d',
  'user.tx_amount_mean.1d',
  'user.tx_amount_mean.7d',
  'user.tx_amount_mean.30d',
  'merchant.labelled_tx_count.1d',
  'merchant.labelled_tx_count.7d',
  'merchant.labelled_tx_count.30d',
  'merchant.fraud_rate.1d',
  'merchant.fraud_rate.7d',
  'merchant.fraud_rate.30d',
  'user.amount_to_mean.30d',
  'user.tx_count.1h',
  'user.login_count.1d',
  'user.seconds_since_prev',
  'event.is_new_device',
  'event.is_new_country',
  'user.distinct_countries.1d',
  'user.distinct_devices.7d',
  'user.geo_velocity_kmh',
];

const XGBOOST_PARAMS = {
  objective: 'binary:logistic',
  max_depth: 6,
  eta: 0.1,
  subsample: 0.8,
  colsample_bytree: 0.8,
  min_child_weight: 1,
  base_score: 0.5,
  tree_method: 'hist',
  nthread: 2,
  seed: 7,
};
/**
 * `--rounds auto`: the number of boosting rounds is chosen on the training days' last week, by the
 * average precision of a model trained on the days before it (never on the test days), up to this many.
 */
const VALIDATION_DAYS = 7;
const MOST_ROUNDS = 1_000;
/** Fewer labelled frauds than these and a model, or its test figures, would be noise: refused. */
const MIN_FRAUDS = { train: 30, test: 10 };
/** Test rows scored again with every merchant feature missing (a shop without merchants): ONNX must agree with XGBoost there too. */
const MISSING_PROBE_ROWS = 2_000;

/**
 * The round count that did best on the training days' last week (average precision), trained on the
 * days before it: the test days are never looked at.
 */
async function selectRounds(
  data: LabelledTransactions,
  protocol: Protocol,
  run: { classpath: string; params: string; file: (name: string) => string; width: number },
): Promise<{ rounds: number; on: string }> {
  const fitDays = protocol.trainDays - VALIDATION_DAYS;
  if (fitDays < VALIDATION_DAYS)
    throw new Error(
      `--rounds auto needs at least ${2 * VALIDATION_DAYS} training days (it holds the last ${VALIDATION_DAYS} out to choose on); there are ${protocol.trainDays}`,
    );
  const fit = split(data, protocol.trainFrom, fitDays);
  const validation = split(data, protocol.trainFrom + fitDays, VALIDATION_DAYS);
  await writeFile(run.file('fit.bin'), Buffer.from(fit.rows.buffer, fit.rows.byteOffset, fit.rows.byteLength));
  await writeFile(run.file('fit-labels.bin'), Buffer.from(fit.labels.buffer));
  await writeFile(run.file('validation.bin'), Buffer.from(validation.rows.buffer, validation.rows.byteOffset, validation.rows.byteLength));
  await writeFile(run.file('validation-labels.bin'), Buffer.from(validation.labels.buffer));
  process.stderr.write(
    `[train] choosing the rounds (up to ${MOST_ROUNDS}) on days ${describeDays(data, protocol.trainFrom + fitDays, VALIDATION_DAYS)}, trained on the days before\n`,
  );
  const answer = execFileSync(
    'java',
    [
      '-cp',
      run.classpath,
      resolve(__dirname, 'XgboostTrainer.java'),
      'select-rounds',
      run.file('fit.bin'),
      run.file('fit-labels.bin'),
      String(fit.labels.length),
      String(run.width),
      run.params,
      String(MOST_ROUNDS),
      run.file('validation.bin'),
      run.file('validation-labels.bin'),
      String(validation.labels.length),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const { rounds, validationAveragePrecision } = JSON.parse(answer.trim().split('\n').pop() as string) as {
    rounds: number;
    validationAveragePrecision: number;
  };
  const on = `days ${describeDays(data, protocol.trainFrom + fitDays, VALIDATION_DAYS)}: average precision ${validationAveragePrecision.toFixed(4)}`;
  process.stderr.write(`[train] ${rounds} rounds did best on ${on}\n`);
  return { rounds, on };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...HISTORY_ARGS,
      ...PROTOCOL_ARGS,
      out: { type: 'string', default: 'models/default' },
      rounds: { type: 'string', default: '300' },
    },
  });
  const started = Date.now();
  const geo = await GeoLookup.open();
  const { events, source } = historyFrom(values, geo);
  process.stderr.write(`[train] reading ${source}\n`);
  const data = await labelledTransactions(events, DEFAULT_FEATURES, DEFAULT_FEATURE_CONFIG, (n) =>
    process.stderr.write(`\r[train] ${n.toLocaleString('en')} events through the feature engine`),
  );
  const featuresSeconds = (Date.now() - started) / 1000;
  process.stderr.write(
    `\n[train] ${data.eventIds.length.toLocaleString('en')} transactions over days 0-${data.lastDay} from ${isoDay(data.firstDayMs, 0)}; chargebacks: ${data.chargebacks.matched} matched, ${data.chargebacks.unmatched} unmatched (${featuresSeconds.toFixed(0)} s)\n`,
  );
  const number = (name: string) => (values[name as keyof typeof values] === undefined ? undefined : Number(values[name as keyof typeof values]));
  const protocol = protocolFor(data.lastDay, {
    trainFrom: dayOption(values['train-from'], data.firstDayMs, 'train-from'),
    trainDays: number('train-days'),
    testFrom: dayOption(values['test-from'], data.firstDayMs, 'test-from'),
    gapDays: number('gap-days') ?? DEFAULT_PROTOCOL.gapDays,
    testDays: number('test-days') ?? DEFAULT_PROTOCOL.testDays,
    labelDays: number('label-days') ?? DEFAULT_PROTOCOL.labelDays,
    warmUpDays: DEFAULT_PROTOCOL.warmUpDays,
  });
  const train = split(data, protocol.trainFrom, protocol.trainDays);
  const test = split(data, protocol.testFrom, protocol.testDays);
  const frauds = { train: sum(train.labels), test: sum(test.labels) };
  if (frauds.train < MIN_FRAUDS.train || frauds.test < MIN_FRAUDS.test) {
    throw new Error(
      `too few labels: ${frauds.train} transactions of the training days ${describeDays(data, protocol.trainFrom, protocol.trainDays)} and ${frauds.test} of the test days ${describeDays(data, protocol.testFrom, protocol.testDays)} are named by a chargeback; at least ${MIN_FRAUDS.train} and ${MIN_FRAUDS.test} are needed. Train on more days (--train-from, --train-days) or wait for more chargebacks`,
    );
  }

  const width = DEFAULT_FEATURES.length;
  const work = await mkdtemp(join(tmpdir(), 'train-'));
  try {
    const file = (name: string) => join(work, name);
    const probe = missingMerchantRows(test.rows, width);
    const scored = concat(test.rows, probe);
    await writeFile(file('train.bin'), Buffer.from(train.rows.buffer, train.rows.byteOffset, train.rows.byteLength));
    await writeFile(file('train-labels.bin'), Buffer.from(train.labels.buffer));
    await writeFile(file('test.bin'), Buffer.from(scored.buffer));
    const classpath = execFileSync('bash', [resolve(__dirname, '../../scripts/xgboost.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const params = Object.entries(XGBOOST_PARAMS)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const trainingStarted = Date.now();
    const selection = values.rounds === 'auto' ? await selectRounds(data, protocol, { classpath, params, file, width }) : null;
    const rounds = selection?.rounds ?? Number(values.rounds);
    process.stderr.write(`[train] XGBoost on ${train.labels.length.toLocaleString('en')} transactions (${frauds.train} frauds): ${rounds} rounds, ${params}\n`);
    execFileSync(
      'java',
      [
        '-cp',
        classpath,
        resolve(__dirname, 'XgboostTrainer.java'),
        file('train.bin'),
        file('train-labels.bin'),
        String(train.labels.length),
        String(width),
        params,
        String(rounds),
        file('dump.json'),
        file('test.bin'),
        String(scored.length / width),
        file('xgboost-test.bin'),
      ],
      { stdio: 'inherit' },
    );
    const xgboostSeconds = (Date.now() - trainingStarted) / 1000;

    const onnx = boostedTreesModel({
      inputName: 'features',
      featureCount: width,
      trees: xgboostTrees(JSON.parse(await readFile(file('dump.json'), 'utf8'))),
      baseMargin: 0,
    });
    const baseline = DEFAULT_FEATURES.map((_, f) => mean(train.rows, f, width));
    const folder = resolve(values.out as string);
    const version = createHash('sha256').update(onnx).digest('hex').slice(0, 12);
    const manifest = {
      id: 'sentinel-xgboost',
      version,
      input: 'features',
      output: 'probabilities',
      features: DEFAULT_FEATURES,
      eventTypes: ['transaction'], // the rows it learnt from
      baseline: baseline.map((b) => Math.round(b * 1e4) / 1e4),
      thresholds: { review: 0.5, block: 0.9, alert: 0.7 },
    };
    const manifestPath = await saveModel(folder, manifest, onnx);

    // The exported model must score as XGBoost itself does, merchant features present or missing.
    const model = await OnnxModel.load(manifestPath);
    const onnxScores = await model.score(scored, scored.length / width);
    await model.release();
    const reference = new Float32Array((await readFile(file('xgboost-test.bin'))).buffer.slice(0));
    const maxDifference = onnxScores.reduce((max, s, i) => Math.max(max, Math.abs(s - reference[i])), 0);
    if (maxDifference > 1e-4) throw new Error(`the ONNX export scores differ from XGBoost's by up to ${maxDifference}`);

    const scores = onnxScores.subarray(0, test.labels.length);
    const quality = detectionQuality(scores, test.labels, test.transactions);
    const training = {
      trained: true,
      library: 'XGBoost 3.4.0 (xgboost4j, Maven Central)',
      params: { ...XGBOOST_PARAMS, rounds, ...(selection ? { roundsChosenOn: selection.on } : {}) },
      data: {
        source,
        firstDay: isoDay(data.firstDayMs, 0),
        lastDay: isoDay(data.firstDayMs, data.lastDay),
        transactions: data.eventIds.length,
        chargebacks: data.chargebacks,
      },
      protocol: {
        ...protocol,
        trainTransactions: train.labels.length,
        trainFrauds: frauds.train,
        testTransactions: test.labels.length,
        testFrauds: frauds.test,
      },
      quality,
      onnxMatchesXgboost: `max |difference| ${maxDifference.toExponential(1)} over ${test.labels.length.toLocaleString('en')} test rows and ${(probe.length / width).toLocaleString('en')} with merchant features missing`,
      seconds: { features: Math.round(featuresSeconds), xgboost: Math.round(xgboostSeconds) },
      command: `npm run train${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    };
    await saveModel(folder, { ...manifest, training }, onnx);
    await writeFile(join(folder, 'roc.png'), plotCurves([{ points: rocPoints(scores, test.labels), colour: CURVE_COLOURS[0] }], true));
    await writeFile(
      join(folder, 'precision-recall.png'),
      plotCurves([{ points: precisionRecallPoints(scores, test.labels), colour: CURVE_COLOURS[0] }], false),
    );
    await writeFile(join(folder, 'report.md'), report(training, data));
    console.log(report(training, data));
    process.stderr.write(`[train] wrote ${folder} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The first test rows with every merchant feature NaN: what a shop without merchants sends. */
function missingMerchantRows(rows: Float32Array, width: number): Float32Array {
  const count = Math.min(MISSING_PROBE_ROWS, rows.length / width);
  const probe = rows.slice(0, count * width);
  const merchantColumns = DEFAULT_FEATURES.flatMap((name, f) => (name.startsWith('merchant.') ? [f] : []));
  for (let r = 0; r < count; r++) for (const f of merchantColumns) probe[r * width + f] = Number.NaN;
  return probe;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function report(
  t: {
    params: object;
    data: { source: string; chargebacks: { matched: number; unmatched: number } };
    protocol: Protocol & Record<string, number>;
    quality: Record<string, number>;
    onnxMatchesXgboost: string;
    seconds: Record<string, number>;
    command: string;
  },
  data: LabelledTransactions,
): string {
  const p = t.protocol;
  return [
    '# Model quality report',
    '',
    `Produced by \`${t.command}\` from ${t.data.source}. Gradient-boosted trees (XGBoost) over ${DEFAULT_FEATURES.length} features of the scoring catalogue, computed by the scoring service's own feature engine; labels are the history's chargebacks, tied to their transactions by id (${t.data.chargebacks.matched} matched, ${t.data.chargebacks.unmatched} unmatched).`,
    '',
    `Protocol (the handbook's, on the history's calendar): train on days ${describeDays(data, p.trainFrom, p.trainDays)}: ${p.trainTransactions.toLocaleString('en')} transactions, ${p.trainFrauds} frauds; skip ${p.gapDays} days (labels arrive late); test on days ${describeDays(data, p.testFrom, p.testDays)}: ${p.testTransactions.toLocaleString('en')} transactions, ${p.testFrauds} frauds.`,
    '',
    "| measure | test | handbook's best baseline |",
    '|---|---:|---:|',
    `| AUC ROC | ${t.quality.aucRoc} | 0.871 (logistic regression) |`,
    `| average precision | ${t.quality.averagePrecision} | 0.658 (random forest) |`,
    `| card precision@100 | ${t.quality.cardPrecisionAt100} | |`,
    '',
    'ROC curve on the test days (`roc.png`: false positive rate across, true positive rate up, grid every 0.1, chance grey) and precision against recall (`precision-recall.png`: recall across, precision up):',
    '',
    '![ROC](roc.png) ![precision-recall](precision-recall.png)',
    '',
    `XGBoost: ${JSON.stringify(t.params)}. Features ${t.seconds.features} s, XGBoost ${t.seconds.xgboost} s.`,
    `The ONNX export scores as XGBoost does (${t.onnxMatchesXgboost}).`,
    '',
  ].join('\n');
}

/** A column's mean over the rows that have it (NaN: missing). */
const mean = (rows: ArrayLike<number>, column: number, width: number) => {
  let total = 0;
  let count = 0;
  for (let i = column; i < rows.length; i += width) {
    if (Number.isNaN(rows[i])) continue;
    total += rows[i];
    count++;
  }
  return count === 0 ? 0 : total / count;
};
const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);

if (require.main === module) {
  void main().catch((error: Error) => {
    console.error(`[train] ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
