import { abRatio } from './suite-against';

describe('abRatio', () => {
  it('divides the medians and spans the ratios of each round', () => {
    // Rounds: 90/100, 120/110, 100/95; medians 100 and 100.
    expect(abRatio([90, 120, 100], [100, 110, 95])).toEqual({ ratio: 1, min: 0.9, max: 1.091 });
  });
  it('says below 1 when this checkout spends less', () => {
    expect(abRatio([30, 32], [100, 96]).ratio).toBeLessThan(1);
  });
});
