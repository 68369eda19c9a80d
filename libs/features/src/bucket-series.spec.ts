import { BucketSeries } from './bucket-series';

describe('BucketSeries', () => {
  const series = (rows: Array<[number, number, number]>) => {
    const s = new BucketSeries(2);
    for (const [bucket, a, b] of rows) {
      const slot = s.slot(bucket);
      s.increment(slot, 0, a);
      s.increment(slot, 1, b);
    }
    return s;
  };

  it('keeps buckets oldest first whatever order they come in, adding to a bucket held', () => {
    const s = series([
      [10, 1, 100],
      [12, 1, 50],
      [11, 2, 7],
      [9, 1, 1],
      [12, 3, 0],
    ]);
    expect(s.flat()).toEqual([9, 1, 1, 10, 1, 100, 11, 2, 7, 12, 4, 50]);
    expect(s.size).toBe(4);
    expect([...s]).toEqual([
      [9, [1, 1]],
      [10, [1, 100]],
      [11, [2, 7]],
      [12, [4, 50]],
    ]);
  });

  it('sums a measure over the buckets of a window, those outside it left out', () => {
    const s = series([
      [3, 1, 10],
      [5, 2, 20],
      [8, 4, 40],
      [9, 8, 80],
    ]);
    expect(s.sum(5, 8, 0)).toBe(6);
    expect(s.sum(4, 9, 1)).toBe(140);
    expect(s.sum(0, 2, 0)).toBe(0);
    expect(s.sum(6, 7, 0)).toBe(0);
    expect(s.sum(0, 100, 1)).toBe(150);
  });

  it('drops the buckets up to one, and tells what it holds', () => {
    const s = series([
      [3, 1, 10],
      [5, 2, 20],
      [8, 4, 40],
    ]);
    s.dropThrough(5);
    expect(s.flat()).toEqual([8, 4, 40]);
    expect(s.has(5)).toBe(false);
    expect(s.get(8)).toEqual([4, 40]);
    s.dropThrough(100);
    expect(s.size).toBe(0);
    expect(s.get(8)).toBeUndefined();
  });
});
