import type { BusRecord, RecordBatch } from '@app/bus';
import { filesAtOnce } from './lake-sink.consumer';

const batchOf = (partition: number, sizes: number[]): RecordBatch => ({
  topic: 'events.enriched',
  partition,
  newlyAssigned: false,
  records: sizes.map((size, i): BusRecord => ({
    topic: 'events.enriched',
    partition,
    offset: String(i),
    key: null,
    value: Buffer.alloc(size),
    headers: {},
    timestamp: 0,
  })),
});

describe("the lake's files written at once", () => {
  it('is one for a roll cut by time (the sink keeps up), several for a roll cut by its bytes (behind)', () => {
    expect(filesAtOnce([batchOf(0, [300, 300]), batchOf(1, [300])], 1_000)).toBe(1);
    expect(filesAtOnce([batchOf(0, [300, 300]), batchOf(1, [400])], 1_000)).toBeGreaterThan(1);
    expect(filesAtOnce([batchOf(0, [2_000])], 1_000)).toBeGreaterThan(1);
  });
});
