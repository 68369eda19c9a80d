import type { BusRecord, OutgoingRecord } from '../bus.port';
import type { FramePart } from './framed-script';

/**
 * Several records of one partition in one Redis stream entry (field `r`), so Redis appends, delivers,
 * tracks as pending and acknowledges one entry per producer batch instead of one per record: per
 * record, that work was most of Redis's CPU and of the client's reply parsing (docs/bus.md, "Packed
 * entries"). A record's offset is its entry's id and its place in the entry (`ms-seq-i`), so offsets
 * still order the partition's records.
 *
 * Frame: u32 record count, then per record: u8 flags (1 key, 2 headers, 4 timestamp), u32 length and
 * bytes of the key when flagged, u32 length and bytes of the value, u32 length and bytes of the headers'
 * JSON when flagged, f64 timestamp when flagged. Without a timestamp a record has its entry's append time.
 */
export const PACKED_FIELD = 'r';

const KEY = 1;
const HEADERS = 2;
const TIMESTAMP = 4;

interface PackedRecord {
  flags: number;
  key?: string;
  keyLength: number;
  value: string | Buffer;
  valueLength: number;
  headers?: string;
  headersLength: number;
  timestamp?: number;
}

/**
 * One entry's records, measured, and written where they go (a FramePart): into the command that appends
 * them (framed-script.ts), so the text of each record is encoded once, in place, and never copied.
 */
export class PackedRecords implements FramePart {
  readonly byteLength: number;
  private readonly records: PackedRecord[];

  constructor(records: readonly OutgoingRecord[]) {
    let size = 4;
    this.records = records.map(({ key, value, headers, timestamp }) => {
      const headersJson = headers && Object.keys(headers).length > 0 ? JSON.stringify(headers) : undefined;
      const packed: PackedRecord = {
        flags: (key ? KEY : 0) | (headersJson ? HEADERS : 0) | (timestamp !== undefined ? TIMESTAMP : 0),
        key: key || undefined,
        keyLength: key ? Buffer.byteLength(key) : 0,
        value,
        valueLength: typeof value === 'string' ? Buffer.byteLength(value) : value.length,
        headers: headersJson,
        headersLength: headersJson ? Buffer.byteLength(headersJson) : 0,
        timestamp,
      };
      size += 1 + (key ? 4 + packed.keyLength : 0) + 4 + packed.valueLength + (headersJson ? 4 + packed.headersLength : 0) + (timestamp !== undefined ? 8 : 0);
      return packed;
    });
    this.byteLength = size;
  }

  writeInto(target: Buffer, start: number): number {
    let at = target.writeUInt32BE(this.records.length, start);
    const bytes = (value: string | Buffer, length: number) => {
      at = target.writeUInt32BE(length, at);
      at += typeof value === 'string' ? target.write(value, at, length) : value.copy(target, at);
    };
    for (const { flags, key, keyLength, value, valueLength, headers, headersLength, timestamp } of this.records) {
      at = target.writeUInt8(flags, at);
      if (key) bytes(key, keyLength);
      bytes(value, valueLength);
      if (headers) bytes(headers, headersLength);
      if (timestamp !== undefined) at = target.writeDoubleBE(timestamp, at);
    }
    return at;
  }
}

/** Records packed as one entry's frame, in a Buffer of their own. */
export function packRecords(records: readonly OutgoingRecord[]): Buffer {
  const packed = new PackedRecords(records);
  const frame = Buffer.allocUnsafe(packed.byteLength);
  packed.writeInto(frame, 0);
  return frame;
}

/** Records of one partition as entries of at most `perFrame` records: the stream entries of one append. */
export function packFrames(records: readonly OutgoingRecord[], perFrame: number): PackedRecords[] {
  if (records.length <= perFrame) return [new PackedRecords(records)];
  const frames: PackedRecords[] = [];
  for (let i = 0; i < records.length; i += perFrame) frames.push(new PackedRecords(records.slice(i, i + perFrame)));
  return frames;
}

/** The records of one packed entry; values are views into the frame, not copies. Throws on a truncated frame. */
export function unpackRecords(topic: string, partition: number, entryId: string, frame: Buffer): BusRecord[] {
  const appendedAt = Number(entryId.slice(0, entryId.indexOf('-')));
  const count = frame.readUInt32BE(0);
  const records: BusRecord[] = new Array(count);
  let at = 4;
  const bytes = () => {
    const length = frame.readUInt32BE(at);
    const start = at + 4;
    at = start + length;
    if (at > frame.length) throw new RangeError(`packed entry ${entryId} is truncated`);
    return frame.subarray(start, at);
  };
  for (let i = 0; i < count; i++) {
    const flags = frame.readUInt8(at++);
    const key = flags & KEY ? bytes().toString('utf8') : null;
    const value = bytes();
    const headers = flags & HEADERS ? (JSON.parse(bytes().toString('utf8')) as Record<string, string>) : {};
    let timestamp = appendedAt;
    if (flags & TIMESTAMP) {
      timestamp = frame.readDoubleBE(at);
      at += 8;
    }
    records[i] = { topic, partition, offset: `${entryId}-${i}`, key, value, headers, timestamp };
  }
  return records;
}

/** How many records a packed entry holds, without decoding them. */
export const packedRecordCount = (frame: Buffer) => frame.readUInt32BE(0);
