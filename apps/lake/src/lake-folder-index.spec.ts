import { LakeFolderIndex } from './lake-folder-index';

describe('LakeFolderIndex', () => {
  const index = LakeFolderIndex.fromFileNames(['p0_0_99.parquet', 'p0_250_299.parquet', 'p1_0_9.parquet', '.p0_100_249.parquet.7.tmp', 'README']);

  it('covers exactly the offsets of its files, per partition', () => {
    expect(index.covers(0, '0')).toBe(true);
    expect(index.covers(0, '99')).toBe(true);
    expect(index.covers(0, '100')).toBe(false); // only in a temporary file: not written
    expect(index.covers(0, '260')).toBe(true);
    expect(index.covers(0, '300')).toBe(false);
    expect(index.covers(1, '9')).toBe(true);
    expect(index.covers(1, '10')).toBe(false);
    expect(index.covers(2, '0')).toBe(false);
  });

  it('learns the files it is told about', () => {
    const fresh = LakeFolderIndex.fromFileNames([]);
    expect(fresh.covers(0, '1700000000000-5')).toBe(false);
    fresh.add({ partition: 0, first: '1700000000000-0', last: '1700000000001-3' });
    expect(fresh.covers(0, '1700000000000-5')).toBe(true);
    expect(fresh.covers(0, '1700000000001-4')).toBe(false);
  });
});
