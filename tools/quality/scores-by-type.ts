/**
 * What a model makes of each event type: every event of the simulator's stream (but its chargebacks)
 * through FeatureReplay and the model, whether or not the manifest's `eventTypes` name its type, and per
 * type the mean score and how many reach the review and alert thresholds. A model trained on
 * transactions gives the other types scores that mean nothing to it (docs/scoring.md, "Models").
 *
 *   bash scripts/run.sh tools/quality/scores-by-type.ts [--model models/default --skip 150000 --events 250000]
 *
 * `--skip`: events replayed first to build the windows and not counted; then `--events` counted.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GeoLookup } from '@app/enrichment';
import { DEFAULT_FEATURE_CONFIG, featureEventOf, FeatureReplay } from '@app/features';
import { OnnxModel } from '@app/model';
import { enrichedSimulation } from '../simulate/enriched-simulation';
import { SIMULATION_ARGS, simulationOptions } from '../simulate/simulate';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...SIMULATION_ARGS,
      model: { type: 'string', default: 'models/default' },
      skip: { type: 'string', default: '150000' },
      events: { type: 'string', default: '250000' },
    },
  });
  const geo = await GeoLookup.open();
  const model = await OnnxModel.load(join(values.model as string, 'manifest.json'));
  const { features, thresholds, eventTypes } = model.manifest;
  const replay = new FeatureReplay(features, DEFAULT_FEATURE_CONFIG);
  const skip = Number(values.skip);
  const counted = Number(values.events);
  const rows = new Float32Array(counted * features.length);
  const types: string[] = [];
  let seen = 0;
  for (const { event } of enrichedSimulation(simulationOptions(values, geo), geo)) {
    const { values: row } = replay.process(featureEventOf(event));
    if (seen++ < skip || event.type === 'chargeback') continue;
    rows.set(row, types.length * features.length);
    types.push(event.type);
    if (types.length === counted) break;
  }
  const scores = await model.score(rows, types.length);
  const byType = new Map<string, { events: number; sum: number; review: number; alert: number }>();
  types.forEach((type, i) => {
    let tally = byType.get(type);
    if (!tally) byType.set(type, (tally = { events: 0, sum: 0, review: 0, alert: 0 }));
    tally.events++;
    tally.sum += scores[i];
    if (scores[i] >= thresholds.review) tally.review++;
    if (scores[i] >= thresholds.alert) tally.alert++;
  });
  const lines = [
    `${model.id} ${model.version} (eventTypes: ${eventTypes.join(', ')}) over ${types.length.toLocaleString('en')} simulated events after the first ${skip.toLocaleString('en')}:`,
    '',
    `| event type | the model scores it | events | mean score | ≥ review (${thresholds.review}) | ≥ alert (${thresholds.alert}) |`,
    '|---|---|---:|---:|---:|---:|',
    ...[...byType].map(
      ([type, t]) =>
        `| ${type} | ${eventTypes.includes(type as never) ? 'yes' : 'no'} | ${t.events.toLocaleString('en')} | ${(t.sum / t.events).toFixed(4)} | ${t.review.toLocaleString('en')} | ${t.alert.toLocaleString('en')} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await model.release();
}

void main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
