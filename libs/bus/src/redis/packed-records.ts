import type { BusRecord, OutgoingRecord } from '../bus.port';

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

export function packRecords(records: readonly OutgoingRecord[]): Buffer {
  const parts: Array<{ flags: number; key?: Buffer; value: Buffer; headers?: Buffer; timestamp?: number }> = [];
  let size = 4;
  for (const record of records) {
    const key = record.key ? Buffer.from(record.key, 'utf8') : undefined;
    const value = typeof record.value === 'string' ? Buffer.from(record.value, 'utf8') : record.value;
    const headers = record.headers && Object.keys(record.headers).length > 0 ? Buffer.from(JSON.stringify(record.headers), 'utf8') : undefined;
    const flags = (key ? KEY : 0) | (headers ? HEADERS : 0) | (record.timestamp !== undefined ? TIMESTAMP : 0);
    size += 1 + (key ? 4 + key.length : 0) + 4 + value.length + (headers ? 4 + headers.length : 0) + (record.timestamp !== undefined ? 8 : 0);
    parts.push({ flags, key, value, headers, timestamp: record.timestamp });
  }
  const frame = Buffer.allocUnsafe(size);
  let at = frame.writeUInt32BE(records.length, 0);
  const bytes = (b: Buffer) => {
    at = frame.writeUInt32BE(b.length, at);
    at += b.copy(frame, at);
  };
  for (const { flags, key, value, headers, timestamp } of parts) {
    at = frame.writeUInt8(flags, at);
    if (key) bytes(key);
    bytes(value);
    if (headers) bytes(headers);
    if (timestamp !== undefined) at = frame.writeDoubleBE(timestamp, at);
  }
  return frame;
}

/** Records of one partition as frames of at most `perFrame` records: the stream entries of one append. */
export function packFrames(records: readonly OutgoingRecord[], perFrame: number): Buffer[] {
  if (records.length <= perFrame) return [packRecords(records)];
  const frames: Buffer[] = [];
  for (let i = 0; i < records.length; i += perFrame) frames.push(packRecords(records.slice(i, i + perFrame)));
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
