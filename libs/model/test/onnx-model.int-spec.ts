import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logisticRegressionModel, OnnxModel, saveModel, treeEnsembleModel, type ManifestInput } from '@app/model';

const thresholds = { review: 0.5, block: 0.9, alert: 0.7 };
const manifest = (over: Partial<ManifestInput> = {}): ManifestInput => ({
  id: 'test',
  version: '1',
  input: 'features',
  output: 'probabilities',
  features: ['event.amount', 'user.tx_count.1h'],
  thresholds,
  ...over,
});
// Amount <= 100 → 0.1, else 0.8; a second tree votes 0.5 everywhere: the forest averages them.
const forest = (zipMap = false) =>
  treeEnsembleModel({
    inputName: 'features',
    featureCount: 2,
    zipMap,
    trees: [{ nodes: [{ feature: 0, threshold: 100, left: 1, right: 2 }, { leaf: 0.1 }, { leaf: 0.8 }] }, { nodes: [{ leaf: 0.5 }] }],
  });

describe('OnnxModel', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scores a logistic regression batch as the formula does', async () => {
    const path = await saveModel(dir, manifest(), logisticRegressionModel({ inputName: 'features', weights: [0.01, 0.5], intercept: -2 }));
    const model = await OnnxModel.load(path);
    const scores = await model.score(Float32Array.from([100, 0, 300, 2]), 2);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    expect(scores[0]).toBeCloseTo(sigmoid(-1), 5);
    expect(scores[1]).toBeCloseTo(sigmoid(2), 5);
    await model.release();
  });

  it('scores the event types its manifest names, transactions when it names none', async () => {
    const unsaid = await OnnxModel.load(await saveModel(dir, manifest(), forest()));
    expect(unsaid.manifest.eventTypes).toEqual(['transaction']);
    const named = await OnnxModel.load(await saveModel(join(dir, 'named'), manifest({ eventTypes: ['transaction', 'login'] }), forest()));
    expect(named.manifest.eventTypes).toEqual(['transaction', 'login']);
    await Promise.all([unsaid.release(), named.release()]);
  });

  it('scores a TreeEnsembleClassifier forest', async () => {
    const model = await OnnxModel.load(await saveModel(dir, manifest(), forest()));
    expect(Array.from(await model.score(Float32Array.from([50, 0, 150, 0]), 2)).map((s) => Number(s.toFixed(4)))).toEqual([0.3, 0.65]);
    await model.release();
  });

  it('sends a missing value (NaN) down the branch each split names for it, as XGBoost does', async () => {
    const split = (missing: 'left' | 'right') =>
      treeEnsembleModel({
        inputName: 'features',
        featureCount: 2,
        trees: [{ nodes: [{ feature: 0, threshold: 100, left: 1, right: 2, mode: 'LT', missing }, { leaf: 0.1 }, { leaf: 0.8 }] }],
      });
    const left = await OnnxModel.load(await saveModel(dir, manifest(), split('left')));
    expect(Array.from(await left.score(Float32Array.from([Number.NaN, 0, 150, 0]), 2)).map((s) => Number(s.toFixed(4)))).toEqual([0.1, 0.8]);
    await left.release();
    const right = await OnnxModel.load(await saveModel(join(dir, 'right'), manifest(), split('right')));
    expect(Array.from(await right.score(Float32Array.from([Number.NaN, 0, 50, 0]), 2)).map((s) => Number(s.toFixed(4)))).toEqual([0.8, 0.1]);
    await right.release();
  });

  it('serves a model whose named output is a ZipMap from the probability tensor feeding it', async () => {
    const model = await OnnxModel.load(await saveModel(dir, manifest({ output: 'output_probability' }), forest(true)));
    expect(Array.from(await model.score(Float32Array.from([150, 0]), 1)).map((s) => Number(s.toFixed(4)))).toEqual([0.65]);
    await model.release();
  });

  it('refuses a model whose input width differs from the manifest, saying what it must be', async () => {
    const path = await saveModel(dir, manifest({ features: ['event.amount', 'user.tx_count.1h', 'event.is_night'] }), forest());
    await expect(OnnxModel.load(path)).rejects.toThrow(/has shape \[N, 2\]; the manifest names 3 features, so it must be \[N, 3\]/);
  });

  it('refuses an output or input the graph does not have, listing what it has', async () => {
    await expect(OnnxModel.load(await saveModel(dir, manifest({ output: 'proba' }), forest()))).rejects.toThrow(
      /"proba" is not a graph output \(outputs: label, probabilities\)/,
    );
    await expect(OnnxModel.load(await saveModel(dir, manifest({ input: 'x' }), forest()))).rejects.toThrow(/"x" is not a graph input \(inputs: features\)/);
  });

  it('refuses a positive class outside the output, an invalid manifest and a file that is not ONNX', async () => {
    await expect(OnnxModel.load(await saveModel(dir, manifest({ positiveClass: 2 }), forest()))).rejects.toThrow(
      /positiveClass 2 is outside output "probabilities" of 2 columns/,
    );
    await expect(OnnxModel.load(await saveModel(dir, manifest({ thresholds: { review: 0.9, block: 0.5, alert: 0.7 } }), forest()))).rejects.toThrow(
      /thresholds: review must not exceed block/,
    );
    await expect(OnnxModel.load(await saveModel(dir, manifest({ eventTypes: ['login', 'chargeback'] as never }), forest()))).rejects.toThrow(/eventTypes\.1/);
    const path = await saveModel(dir, manifest(), forest());
    await writeFile(join(dir, 'model.onnx'), 'not a model');
    await expect(OnnxModel.load(path)).rejects.toThrow(/not an ONNX model|has no graph|onnxruntime cannot open/);
  });
});
