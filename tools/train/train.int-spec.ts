import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OnnxModel } from '@app/model';
import { DEFAULT_FEATURES } from './train';

describe('npm run train', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'train-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('trains on simulated traffic with XGBoost, checks the ONNX export against it, and writes a servable model with its report', async () => {
    const root = resolve(__dirname, '../..');
    // A smaller world than the default model's, so the test runs in seconds; the tool fails if the ONNX scores differ from XGBoost's.
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'tools/train/train.ts', '--out', out, '--customers', '1500', '--terminals', '3000', '--rounds', '60'], {
      cwd: root, stdio: ['ignore', 'ignore', 'pipe'], timeout: 240_000,
    });
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ features: DEFAULT_FEATURES, training: { trained: true, simulation: { customers: 1500 }, protocol: { trainStartDay: 42 } } });
    expect(manifest.training.quality.aucRoc).toBeGreaterThan(0.8);
    expect(manifest.training.quality.averagePrecision).toBeGreaterThan(0.4);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toMatch(/\| AUC ROC \| 0\.\d+/);
    const model = await OnnxModel.load(join(out, 'manifest.json'));
    expect(model.manifest.baseline).toHaveLength(DEFAULT_FEATURES.length);
    await model.release();
  });
});
