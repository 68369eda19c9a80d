/**
 * Writes models/default: a logistic regression with hand-set weights over standardised features,
 * served until `npm run train` (issue 5) ships a model trained on simulated traffic. Not trained:
 * its weights encode common fraud signals (large amounts for the user, merchants with charge-backs,
 * bursts, new device or country, impossible travel, deny-lists), so the suite scores sensibly.
 *
 *   npm run model:rule-of-thumb [-- --out models/default]
 */
import { parseArgs } from 'node:util';
import { logisticRegressionModel, saveModel } from '@app/model';

// feature: [typical value, spread, weight on the standardised value]
const SIGNALS: Array<[string, number, number, number]> = [
  ['event.amount', 50, 40, 0.6],
  ['event.is_night', 0.25, 0.43, 0.1],
  ['event.is_weekend', 0.28, 0.45, 0],
  ['user.tx_count.1d', 3, 2, 0],
  ['user.tx_count.7d', 20, 10, 0],
  ['user.tx_count.30d', 80, 40, 0],
  ['user.tx_amount_mean.1d', 50, 40, 0.2],
  ['user.tx_amount_mean.7d', 50, 35, 0],
  ['user.tx_amount_mean.30d', 50, 30, 0],
  ['merchant.labelled_tx_count.1d', 1, 1, 0],
  ['merchant.labelled_tx_count.7d', 7, 4, 0],
  ['merchant.labelled_tx_count.30d', 30, 15, 0],
  ['merchant.fraud_rate.1d', 0.01, 0.05, 0.5],
  ['merchant.fraud_rate.7d', 0.01, 0.05, 0.9],
  ['merchant.fraud_rate.30d', 0.01, 0.04, 0.4],
  ['user.amount_to_mean.30d', 1, 0.6, 0.9],
  ['user.tx_count.10m', 1, 0.7, 0.5],
  ['user.distinct_countries.1d', 1, 0.3, 0.5],
  ['user.distinct_devices.7d', 1, 0.4, 0.3],
  ['event.is_new_device', 0.05, 0.22, 0.4],
  ['event.is_new_country', 0.02, 0.14, 0.4],
  ['user.geo_velocity_kmh', 20, 150, 0.6],
  ['user.seconds_since_prev', 30_000, 40_000, -0.2],
  ['event.ip_denylisted', 0, 0.05, 1.2],
  ['event.device_denylisted', 0, 0.05, 1.2],
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'models/default' } } });
  const features = SIGNALS.map(([name]) => name);
  const onnx = logisticRegressionModel({
    inputName: 'features',
    weights: SIGNALS.map(([, , , w]) => w),
    intercept: -4.2,
    scale: { mean: SIGNALS.map(([, mean]) => mean), std: SIGNALS.map(([, , std]) => std) },
  });
  const path = await saveModel(values.out as string, {
    id: 'sentinel-rule-of-thumb',
    version: '0.1.0',
    input: 'features',
    output: 'probabilities',
    features,
    baseline: SIGNALS.map(([, mean]) => mean),
    thresholds: { review: 0.5, block: 0.9, alert: 0.7 },
    training: { trained: false, note: 'hand-set weights over standardised features (tools/model/rule-of-thumb-model.ts); replaced by npm run train' },
  }, onnx);
  console.log(`wrote ${path}`);
}

void main();
