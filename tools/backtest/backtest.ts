/**
 * `npm run backtest`: a candidate model beside the live one on a labelled period of a history, before
 * it is shadowed or promoted. Reads the history as training does (the lake, an export, or the
 * simulator), computes every transaction's features once through FeatureReplay (the scoring
 * service's engine and chargeback resolution), labels them with the chargebacks that name them, and
 * scores the test days with both models. Prints both side by side; with --out, writes backtest.md,
 * backtest.json, roc.png and precision-recall.png there (live blue, candidate red).
 *
 *   npm run backtest -- --lake data/lake --candidate models/ours [--live models/default]
 *     [--test-from 2026-07-23 --test-days 7 --label-days 7 --out bench/results/backtest]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GeoLookup } from '@app/enrichment';
import { DEFAULT_FEATURE_CONFIG } from '@app/features';
import { OnnxModel } from '@app/model';
import { CURVE_COLOURS, plotCurves, precisionRecallPoints, rocPoints } from '../train/curve-plot';
import { describeDays, HISTORY_ARGS, historyFrom, PROTOCOL_ARGS, split } from '../train/history';
import { labelledTransactions, type LabelledTransactions } from '../train/labelled-transactions';
import { detectionQuality, roundMeasure } from '../train/metrics';
import { dayOption, DEFAULT_PROTOCOL, testWindowFor } from '../train/protocol';

interface ModelFigures {
  role: 'live' | 'candidate';
  folder: string;
  id: string;
  version: string;
  aucRoc: number;
  averagePrecision: number;
  cardPrecisionAt100: number;
  alertThreshold: number;
  alerts: number;
  precisionAtAlert: number;
  recallAtAlert: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...HISTORY_ARGS,
      candidate: { type: 'string' },
      live: { type: 'string', default: 'models/default' },
      out: { type: 'string' },
      'test-from': PROTOCOL_ARGS['test-from'],
      'test-days': PROTOCOL_ARGS['test-days'],
      'label-days': PROTOCOL_ARGS['label-days'],
    },
  });
  if (!values.candidate) throw new Error('name the model to try: --candidate models/NAME (a folder with manifest.json)');
  const folders = { live: values.live as string, candidate: values.candidate };
  const models = { live: await OnnxModel.load(join(folders.live, 'manifest.json')), candidate: await OnnxModel.load(join(folders.candidate, 'manifest.json')) };
  try {
    const features = [...new Set([...models.live.manifest.features, ...models.candidate.manifest.features])];
    const geo = await GeoLookup.open();
    const { events, source } = historyFrom(values, geo);
    process.stderr.write(`[backtest] reading ${source}\n`);
    const data = await labelledTransactions(events, features, DEFAULT_FEATURE_CONFIG, (n) =>
      process.stderr.write(`\r[backtest] ${n.toLocaleString('en')} events through the feature engine`),
    );
    process.stderr.write('\n');
    const window = testWindowFor(data.lastDay, {
      testFrom: dayOption(values['test-from'], data.firstDayMs, 'test-from'),
      testDays: Number(values['test-days'] ?? DEFAULT_PROTOCOL.testDays),
      labelDays: Number(values['label-days'] ?? DEFAULT_PROTOCOL.labelDays),
    });
    const figures: ModelFigures[] = [];
    const curves: Array<{ scores: Float32Array; labels: Float32Array }> = [];
    for (const role of ['live', 'candidate'] as const) {
      const model = models[role];
      const test = split(
        data,
        window.testFrom,
        window.testDays,
        model.manifest.features.map((f) => features.indexOf(f)),
      );
      if (test.labels.length === 0) throw new Error(`no transaction on the test days ${describeDays(data, window.testFrom, window.testDays)}`);
      const scores = await model.score(test.rows, test.labels.length);
      curves.push({ scores, labels: test.labels });
      figures.push(measure(role, folders[role], model, scores, test));
    }
    const frauds = curves[0].labels.reduce((sum, l) => sum + l, 0);
    const report = {
      command: `npm run backtest -- ${process.argv.slice(2).join(' ')}`,
      source,
      testDays: describeDays(data, window.testFrom, window.testDays),
      transactions: curves[0].labels.length,
      frauds,
      chargebacks: data.chargebacks,
      models: figures,
    };
    const markdown = render(report, data);
    console.log(markdown);
    if (values.out) {
      const out = resolve(values.out);
      await mkdir(out, { recursive: true });
      await writeFile(join(out, 'backtest.md'), markdown);
      await writeFile(join(out, 'backtest.json'), `${JSON.stringify(report, null, 2)}\n`);
      await writeFile(
        join(out, 'roc.png'),
        plotCurves(
          curves.map((c, i) => ({ points: rocPoints(c.scores, c.labels), colour: CURVE_COLOURS[i] })),
          true,
        ),
      );
      await writeFile(
        join(out, 'precision-recall.png'),
        plotCurves(
          curves.map((c, i) => ({ points: precisionRecallPoints(c.scores, c.labels), colour: CURVE_COLOURS[i] })),
          false,
        ),
      );
      process.stderr.write(`[backtest] wrote ${out}\n`);
    }
  } finally {
    await Promise.all([models.live.release(), models.candidate.release()]);
  }
}

function measure(role: ModelFigures['role'], folder: string, model: OnnxModel, scores: Float32Array, test: ReturnType<typeof split>): ModelFigures {
  const threshold = model.manifest.thresholds.alert;
  let alerts = 0;
  let caught = 0;
  let frauds = 0;
  scores.forEach((score, i) => {
    frauds += test.labels[i];
    if (score < threshold) return;
    alerts++;
    caught += test.labels[i];
  });
  return {
    role,
    folder,
    id: model.id,
    version: model.version,
    ...detectionQuality(scores, test.labels, test.transactions),
    alertThreshold: threshold,
    alerts,
    precisionAtAlert: roundMeasure(alerts === 0 ? Number.NaN : caught / alerts),
    recallAtAlert: roundMeasure(frauds === 0 ? Number.NaN : caught / frauds),
  };
}

function render(
  report: {
    command: string;
    source: string;
    testDays: string;
    transactions: number;
    frauds: number;
    chargebacks: LabelledTransactions['chargebacks'];
    models: ModelFigures[];
  },
  data: LabelledTransactions,
): string {
  const [live, candidate] = report.models;
  const row = (name: string, pick: (m: ModelFigures) => number | string) => `| ${name} | ${pick(live)} | ${pick(candidate)} |`;
  return [
    '# Backtest',
    '',
    `\`${report.command}\` on ${report.source} (days 0-${data.lastDay} from ${new Date(data.firstDayMs).toISOString().slice(0, 10)}). Test days ${report.testDays}: ${report.transactions.toLocaleString('en')} transactions, ${report.frauds} named by a chargeback (${report.chargebacks.matched} chargebacks matched by id in the whole history, ${report.chargebacks.unmatched} unmatched).`,
    '',
    '| measure | live | candidate |',
    '|---|---:|---:|',
    row('model', (m) => `${m.folder} (${m.id} ${m.version})`),
    row('AUC ROC', (m) => m.aucRoc),
    row('average precision', (m) => m.averagePrecision),
    row('card precision@100', (m) => m.cardPrecisionAt100),
    row('alert threshold', (m) => m.alertThreshold),
    row('alerts', (m) => m.alerts),
    row('precision at the alert threshold', (m) => m.precisionAtAlert),
    row('recall at the alert threshold', (m) => m.recallAtAlert),
    '',
  ].join('\n');
}

if (require.main === module) {
  void main().catch((error: Error) => {
    console.error(`[backtest] ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
