import { median, percentiles } from './percentiles';

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(percentiles(samples, [50, 99, 100])).toEqual({ p50: 50, p99: 99, p100: 100 });
  });
  it('takes the middle value as the median', () => {
    expect(median([3, 1, 2])).toBe(2);
  });
  it('says NaN for an empty sample rather than inventing a number', () => {
    expect(percentiles([], [99]).p99).toBeNaN();
  });
});
