import { packRecords, packedRecordCount, unpackRecords } from './packed-records';

describe('packed records', () => {
  it('keeps every record of an entry: key, value, headers, timestamp, in order', () => {
    const frame = packRecords([
      { key: 'user-1', value: '{"a":1}' },
      { key: null, value: Buffer.from([0, 255, 10]), headers: { origin: 'events.enriched' } },
      { key: 'ünïcode', value: '', timestamp: 1_700_000_000_123 },
    ]);
    expect(packedRecordCount(frame)).toBe(3);
    const records = unpackRecords('scores', 2, '1700000000500-7', frame);
    expect(records.map((r) => ({ ...r, value: r.value.toString('hex') }))).toEqual([
      {
        topic: 'scores',
        partition: 2,
        offset: '1700000000500-7-0',
        key: 'user-1',
        value: Buffer.from('{"a":1}').toString('hex'),
        headers: {},
        timestamp: 1_700_000_000_500,
      },
      {
        topic: 'scores',
        partition: 2,
        offset: '1700000000500-7-1',
        key: null,
        value: '00ff0a',
        headers: { origin: 'events.enriched' },
        timestamp: 1_700_000_000_500,
      },
      { topic: 'scores', partition: 2, offset: '1700000000500-7-2', key: 'ünïcode', value: '', headers: {}, timestamp: 1_700_000_000_123 },
    ]);
  });

  it('treats an empty key as none, as the single-record entries did', () => {
    expect(unpackRecords('t', 0, '1-0', packRecords([{ key: '', value: 'x' }]))[0].key).toBeNull();
  });

  it('refuses a truncated frame rather than inventing records', () => {
    const frame = packRecords([{ key: 'k', value: 'a value long enough' }]);
    expect(() => unpackRecords('t', 0, '1-0', frame.subarray(0, frame.length - 5))).toThrow(/truncated/);
  });
});
