import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxModel } from '@app/model';
import { GeoLookup } from '@app/enrichment';
import { runTool } from '@app/testing';
import { hourFolder, lakeFileName } from '../../apps/lake/src/lake-path';
import { LakeTableBuilder } from '../../apps/lake/src/lake-table';
import { encodeParquet } from '../../apps/lake/src/parquet.encoder';
import { enrichedSimulation } from '../simulate/enriched-simulation';
import { simulationOptions } from '../simulate/simulate';
import { DEFAULT_FEATURES } from './train';

const train = (args: string[]) => runTool('tools/train/train.ts', args);

describe('npm run train on a business history', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'train-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("trains on a lake's transactions and its id-only chargebacks, checks the ONNX export against XGBoost, and writes a servable model with its report and plots", async () => {
    // A lake as the sink writes it (same table and encoder, hour folders): 800 customers, 40 days,
    // chargebacks naming the payment by id alone, 7 days after it.
    const geo = await GeoLookup.open();
    const options = simulationOptions(
      { seed: '11', customers: '800', terminals: '1600', days: '40', 'chargeback-delay': '7d', 'chargeback-fields': 'id' },
      geo,
    );
    const lake = join(work, 'lake');
    let folder = '';
    let table = new LakeTableBuilder();
    let offset = 0;
    const flush = async () => {
      if (table.rowCount === 0) return;
      await mkdir(join(lake, 'events', folder), { recursive: true });
      await writeFile(join(lake, 'events', folder, lakeFileName(table.ranges)), encodeParquet(table.build()));
      table = new LakeTableBuilder();
    };
    for (const { event } of enrichedSimulation(options, geo)) {
      const occurredAtMs = Date.parse(event.occurredAt);
      if (hourFolder(occurredAtMs) !== folder) {
        await flush();
        folder = hourFolder(occurredAtMs);
      }
      table.append({ event, occurredAtMs, partition: 0, offset: String(offset++) });
    }
    await flush();

    const out = join(work, 'model');
    await train(['--lake', lake, '--out', out, '--rounds', '40']);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    // 40 days (0-39), labels 7 days late: test 26-32, gap 19-25, train 7-18.
    expect(manifest).toMatchObject({
      features: DEFAULT_FEATURES,
      training: { trained: true, protocol: { trainFrom: 7, trainDays: 12, testFrom: 26, testDays: 7 } },
    });
    expect(manifest.training.data.chargebacks.unmatched).toBe(0);
    expect(manifest.training.quality.aucRoc).toBeGreaterThan(0.8);
    expect(manifest.training.quality.averagePrecision).toBeGreaterThan(0.4);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toMatch(/\| AUC ROC \| 0\.\d+/);
    for (const plot of ['roc.png', 'precision-recall.png']) expect((await readFile(join(out, plot))).subarray(1, 4).toString()).toBe('PNG');
    const model = await OnnxModel.load(join(out, 'manifest.json'));
    expect(model.manifest.baseline).toHaveLength(DEFAULT_FEATURES.length);
    await model.release();

    // --rounds auto holds the training days' last week out to choose the rounds on, never the test days.
    const chosen = join(work, 'chosen');
    await train(['--lake', lake, '--out', chosen, '--rounds', 'auto', '--train-from', '0']);
    const { training } = JSON.parse(await readFile(join(chosen, 'manifest.json'), 'utf8'));
    expect(training.protocol).toMatchObject({ trainFrom: 0, trainDays: 19, testFrom: 26 });
    expect(training.params.rounds).toBeGreaterThanOrEqual(1);
    expect(training.params.rounds).toBeLessThanOrEqual(1000);
    expect(training.params.roundsChosenOn).toMatch(/^days 12-18 .*: average precision 0\.\d+$/);
    await expect(train(['--lake', lake, '--out', join(work, 'too-short'), '--rounds', 'auto'])).rejects.toThrow(
      /--rounds auto needs at least 14 training days .* there are 12/,
    );
  }, 300_000);

  it('refuses, saying what is missing, a history with too few chargebacks to learn from', async () => {
    const events = join(work, 'few.ndjson');
    const day = (d: number) => new Date(Date.UTC(2026, 5, 1 + d, 12)).toISOString();
    const lines = Array.from({ length: 40 * 20 }, (_, i) =>
      JSON.stringify({ eventId: `e${i}`, type: 'transaction', userId: `u${i % 20}`, occurredAt: day(Math.floor(i / 20)), amount: 10, currency: 'EUR' }),
    );
    lines.push(JSON.stringify({ eventId: 'cb1', type: 'chargeback', userId: 'u3', occurredAt: day(39), properties: { originalEventId: 'e203' } }));
    await writeFile(events, `${lines.join('\n')}\n`);
    let stderr = '';
    try {
      await train(['--events', events, '--out', join(work, 'never')]);
    } catch (error) {
      stderr = String((error as { stderr: string }).stderr);
    }
    expect(stderr).toMatch(
      /too few labels: 1 transactions of the training days 7-\d+ .* and 0 of the test days .* are named by a chargeback; at least 30 and 10 are needed/,
    );
    await expect(stat(join(work, 'never', 'manifest.json'))).rejects.toThrow();
  });
});
