import { hourFolder, lakeFileName, parseLakeFileName } from './lake-path';

describe('lake paths', () => {
  it('puts an event in the UTC date and hour of its event time', () => {
    expect(hourFolder(Date.parse('2026-11-23T08:59:59.999Z'))).toBe('dt=2026-11-23/hour=08');
    expect(hourFolder(Date.parse('2026-11-23T09:00:00Z'))).toBe('dt=2026-11-23/hour=09');
    // 00:30 in Paris is still the previous day in UTC.
    expect(hourFolder(Date.parse('2026-11-24T00:30:00+01:00'))).toBe('dt=2026-11-23/hour=23');
  });

  it('names files by partition and offset range, and reads the names back', () => {
    expect(lakeFileName([{ partition: 3, first: '1200', last: '1899' }])).toBe('p3_1200_1899.parquet');
    expect(parseLakeFileName('p3_1200_1899.parquet')).toEqual([{ partition: 3, first: '1200', last: '1899' }]);
    expect(parseLakeFileName('p0_1700000000000-0_1700000000500-12.parquet')).toEqual([{ partition: 0, first: '1700000000000-0', last: '1700000000500-12' }]);
    expect(parseLakeFileName('p0_1700000000000-0-0_1700000000500-12-127.parquet')).toEqual([
      { partition: 0, first: '1700000000000-0-0', last: '1700000000500-12-127' },
    ]);
  });

  it("names a file of several partitions by each one's range, within the 255 bytes a file name may have", () => {
    const ranges = [0, 1, 2, 3].map((partition) => ({ partition, first: '1700000000000-0-0', last: '1700000009999-999-999' }));
    const name = lakeFileName(ranges);
    expect(name).toBe(`${ranges.map((r) => `p${r.partition}_${r.first}_${r.last}`).join('__')}.parquet`);
    expect(parseLakeFileName(name)).toEqual(ranges);
    expect(Buffer.byteLength(name)).toBeLessThan(255);
  });

  it("ignores files that are not the sink's own", () => {
    for (const name of ['.p3_1_2.parquet.4242.tmp', 'notes.txt', 'p3_1_2.parquet.crc', 'part-0000.parquet', 'p3_x_2.parquet', 'p3_1_2__x.parquet']) {
      expect(parseLakeFileName(name)).toBeUndefined();
    }
  });
});
