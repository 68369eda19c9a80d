import { Command } from 'ioredis';
import { respFrame } from './framed-script';
import { PackedRecords, packRecords } from './packed-records';

type Argument = string | number | Buffer;

/** ioredis's own frame for the same command: what Redis is sent when ioredis encodes it. */
const ioredisFrame = (name: string, args: Argument[]) => {
  const frame = new Command(name, args).toWritable(undefined as never);
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame);
};

describe('respFrame', () => {
  it.each<[string, Argument[]]>([
    ['text only', ['abc123', 2, 'k:1', 'k:2', 'a', '\n[1790595320000,"t",27.35]']],
    ['empty strings and Buffers', ['sha', 0, '', Buffer.alloc(0), '']],
    ['text that is not ASCII', ['sha', 1, 'ünïcode-key', 'Zürich · 東京 · 🙂']],
    ['Buffers between text, first and last', [Buffer.from([0, 255, 13, 10]), 'x', Buffer.from('\r\n'), Buffer.alloc(70_000, 7)]],
    ['numbers, negative and fractional', ['sha', 0, -3, 2.5, 1_790_595_320_000]],
  ])('is the same bytes as ioredis sends: %s', (_, args) => {
    expect(respFrame([['evalsha'], args.slice(0, 2), args.slice(2)]).equals(ioredisFrame('evalsha', args))).toBe(true);
  });

  it('writes packed records in place, the same bytes as their own Buffer', () => {
    const records = [
      { key: 'ünïcode', value: '{"city":"Zürich · 東京"}', headers: { origin: 'events.enriched' }, timestamp: 1_790_595_320_000 },
      { key: null, value: Buffer.from([0, 255, 13, 10]) },
      { key: 'u2', value: 'x'.repeat(70_000) },
    ];
    const inPlace = respFrame([
      ['evalsha', 'sha', 1, 'k'],
      ['a', new PackedRecords(records), 'z'],
    ]);
    expect(inPlace.equals(ioredisFrame('evalsha', ['sha', 1, 'k', 'a', packRecords(records), 'z']))).toBe(true);
  });
});
