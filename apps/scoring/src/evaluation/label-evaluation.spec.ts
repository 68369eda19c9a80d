import { aucRoc, averagePrecision } from '../../../../tools/train/metrics';
import { EvaluationTally } from './evaluation-tally';
import { evaluateRole, labelledWindow, scoreBin } from './label-evaluation';

const DAY = 86_400_000;

/** A seeded stream of transactions: frauds score higher on average, as a decent model's do. */
function transactions(count: number, seed: number): Array<{ live: number; shadow: number; fraud: boolean; time: number }> {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  return Array.from({ length: count }, (_, i) => {
    const fraud = random() < 0.02;
    const logit = (mean: number) => mean + 2 * (random() + random() + random() - 1.5);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    return { live: sigmoid(logit(fraud ? 0 : -5)), shadow: sigmoid(logit(fraud ? 1 : -5)), fraud, time: 20_000 * DAY + (i % 3) * DAY };
  });
}

function tallied(data: ReturnType<typeof transactions>, alert = 0.7): Array<Record<string, string>> {
  const tally = new EvaluationTally();
  const pair = EvaluationTally.pairOf({ id: 'live', version: '1' }, { id: 'shadow', version: '2' });
  for (const t of data) {
    const mark = tally.scored(pair, t.time, { score: t.live, alert: t.live >= alert }, { score: t.shadow, alert: t.shadow >= alert });
    if (t.fraud) tally.labelled(mark, t.time);
  }
  return tally.increments().map(({ increments }) => Object.fromEntries(increments.map(([field, n]) => [field, String(n)])));
}

describe('label evaluation from score histograms', () => {
  const data = transactions(20_000, 7);
  const labels = data.map((t) => (t.fraud ? 1 : 0));
  const days = tallied(data);

  it('gives AUC and average precision within a few thousandths of the exact figures, for both models', () => {
    for (const [role, key] of [
      ['L', 'live'],
      ['S', 'shadow'],
    ] as const) {
      const scores = data.map((t) => t[key]);
      const figures = evaluateRole(days, role);
      expect(figures.transactions).toBe(data.length);
      expect(figures.frauds).toBe(labels.filter((l) => l === 1).length);
      expect(Math.abs(figures.aucRoc - aucRoc(scores, labels))).toBeLessThan(0.003);
      expect(Math.abs(figures.averagePrecision - averagePrecision(scores, labels))).toBeLessThan(0.005);
    }
    expect(evaluateRole(days, 'S').aucRoc).toBeGreaterThan(evaluateRole(days, 'L').aucRoc);
  });

  it('counts precision and recall at the alert threshold exactly', () => {
    const alerted = data.filter((t) => t.live >= 0.7);
    const figures = evaluateRole(days, 'L');
    expect(figures.alerts).toBe(alerted.length);
    expect(figures.precisionAtAlert).toBeCloseTo(alerted.filter((t) => t.fraud).length / alerted.length, 10);
    expect(figures.recallAtAlert).toBeCloseTo(alerted.filter((t) => t.fraud).length / labels.filter((l) => l === 1).length, 10);
  });

  it('adds up counts of the same pair across batches and instances, whatever their split', () => {
    const merged = new Map<string, number>();
    for (const part of [tallied(data.slice(0, 7_000)), tallied(data.slice(7_000))])
      for (const fields of part) for (const [f, n] of Object.entries(fields)) merged.set(f, (merged.get(f) ?? 0) + Number(n));
    const whole = new Map<string, number>();
    for (const fields of days) for (const [f, n] of Object.entries(fields)) whole.set(f, (whole.get(f) ?? 0) + Number(n));
    expect(merged).toEqual(whole);
  });

  it('has no figures without both frauds and genuine transactions', () => {
    const genuine = tallied(data.filter((t) => !t.fraud));
    expect(evaluateRole(genuine, 'L').aucRoc).toBeNaN();
    expect(evaluateRole(genuine, 'L').averagePrecision).toBeNaN();
    expect(evaluateRole([], 'S')).toMatchObject({ transactions: 0, frauds: 0 });
  });

  it('keeps tiny and near-certain scores apart in bins', () => {
    expect(scoreBin(0.0001)).not.toBe(scoreBin(0.00012));
    expect(scoreBin(0.99)).not.toBe(scoreBin(0.995));
    expect(scoreBin(0)).toBe(scoreBin(1e-9));
    expect(scoreBin(0.5)).toBe(0);
  });

  it('evaluates the newest days whose labels have had the delay to arrive', () => {
    const scored = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110];
    expect(labelledWindow(scored, 3, 7)).toEqual([100, 101, 102]);
    expect(labelledWindow(scored, 7, 2)).toEqual([101, 102, 103, 104, 105, 106, 107]);
    expect(labelledWindow(scored, 7, 20)).toEqual([]);
    expect(labelledWindow([], 7, 7)).toEqual([]);
  });

  it('names a pair of models apart from its reverse and from the live model alone', () => {
    const a = { id: 'a', version: '1' };
    const b = { id: 'b', version: '1' };
    const names = new Set([EvaluationTally.pairOf(a, b), EvaluationTally.pairOf(b, a), EvaluationTally.pairOf(a, null), EvaluationTally.pairOf(b, null)]);
    expect(names.size).toBe(4);
    expect(EvaluationTally.pairOf(a, b)).toBe(EvaluationTally.pairOf({ ...a }, { ...b }));
  });
});
