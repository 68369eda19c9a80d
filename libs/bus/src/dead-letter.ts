import type { BusRecord, OutgoingRecord } from './bus.port';

export interface DeadLetter {
  record: BusRecord;
  reason: string;
}

/** The envelope on a dead-letter topic: the original payload, why it failed, and where it came from. */
export interface DeadLetterEnvelope {
  reason: string;
  group: string;
  origin: { topic: string; partition: number; offset: string; key: string | null; timestamp: number };
  deadLetteredAt: string;
  /** The original value as UTF-8 text, or base64 when it is not valid UTF-8. */
  payload: string;
  payloadEncoding: 'utf8' | 'base64';
  headers: Record<string, string>;
}

const MAX_REASON_LENGTH = 2000;

export function toDeadLetterRecord(letter: DeadLetter, group: string, now = new Date()): OutgoingRecord {
  const { record } = letter;
  const text = record.value.toString('utf8');
  const isUtf8 = Buffer.from(text, 'utf8').equals(record.value);
  const reason = letter.reason.length > MAX_REASON_LENGTH ? `${letter.reason.slice(0, MAX_REASON_LENGTH)}…` : letter.reason;
  const envelope: DeadLetterEnvelope = {
    reason,
    group,
    origin: { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, timestamp: record.timestamp },
    deadLetteredAt: now.toISOString(),
    payload: isUtf8 ? text : record.value.toString('base64'),
    payloadEncoding: isUtf8 ? 'utf8' : 'base64',
    headers: record.headers,
  };
  return {
    key: record.key,
    value: JSON.stringify(envelope),
    headers: { 'dead-letter-reason': reason.slice(0, 200), 'dead-letter-origin': `${record.topic}/${record.partition}/${record.offset}` },
  };
}
