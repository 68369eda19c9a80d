import { aucRoc, averagePrecision, cardPrecisionAtK } from './metrics';

describe('quality measures', () => {
  it('computes AUC ROC as the chance a fraud outscores a genuine transaction, ties counting half', () => {
    expect(aucRoc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75); // scikit-learn: 0.75
    expect(aucRoc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(aucRoc([1, 2, 3], [0, 0, 0])).toBeNaN();
  });

  it('computes average precision as scikit-learn does', () => {
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.8333333, 6); // scikit-learn: 0.8333
    expect(averagePrecision([0.9, 0.8, 0.7, 0.6], [1, 1, 1, 1])).toBe(1);
    expect(averagePrecision([0.5, 0.5], [1, 0])).toBe(0.5);
  });

  it('counts the frauds among the k highest-scored cards of each day, averaged over days', () => {
    const day0 = [
      { customer: 'a', day: 0, score: 0.9, fraud: true },
      { customer: 'a', day: 0, score: 0.1, fraud: false },
      { customer: 'b', day: 0, score: 0.8, fraud: false },
      { customer: 'c', day: 0, score: 0.2, fraud: true },
    ];
    const day1 = [
      { customer: 'a', day: 1, score: 0.1, fraud: false },
      { customer: 'b', day: 1, score: 0.7, fraud: true },
    ];
    expect(cardPrecisionAtK([...day0, ...day1], 2)).toBe((1 / 2 + 1 / 2) / 2);
  });
});
