import { createHash } from 'node:crypto';
import { deadLetterCodec, type DeadLetterEnvelope } from '@app/contracts';
import type { BusRecord, OutgoingRecord } from './bus.port';

export interface DeadLetter {
  record: BusRecord;
  reason: string;
}

const MAX_REASON_LENGTH = 2000;
/**
 * A dead letter's value stays well under Kafka's default message.max.bytes (1 MB): the envelope embeds
 * the original, which may itself be near the limit, and JSON escaping can make it up to six times longer.
 */
export const MAX_DEAD_LETTER_BYTES = 512 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

export function toDeadLetterRecord(letter: DeadLetter, group: string, now = new Date()): OutgoingRecord {
  const { record } = letter;
  const reason = letter.reason.length > MAX_REASON_LENGTH ? `${letter.reason.slice(0, MAX_REASON_LENGTH)}…` : letter.reason;
  const headersDropped = Object.entries(record.headers).reduce((sum, [k, v]) => sum + k.length + v.length, 0) > MAX_HEADER_BYTES;
  let digest: string | undefined;
  const envelopeOf = (kept: number): DeadLetterEnvelope => ({
    reason,
    group,
    origin: { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, timestamp: record.timestamp },
    deadLetteredAt: now.toISOString(),
    ...encodePayload(record.value.subarray(0, kept)),
    headers: headersDropped ? {} : record.headers,
    ...(kept < record.value.length || headersDropped
      ? {
          truncated: { payloadBytes: record.value.length, payloadSha256: (digest ??= createHash('sha256').update(record.value).digest('hex')), headersDropped },
        }
      : {}),
  });
  // Halving what is kept finds a fitting envelope in a few steps, whatever the payload's escaping costs.
  let kept = record.value.length;
  let value = deadLetterCodec.encode(envelopeOf(kept));
  while (Buffer.byteLength(value) > MAX_DEAD_LETTER_BYTES && kept > 0) {
    kept = utf8Boundary(record.value, Math.min(kept >>> 1, MAX_DEAD_LETTER_BYTES));
    value = deadLetterCodec.encode(envelopeOf(kept));
  }
  return {
    key: record.key,
    value,
    headers: { 'dead-letter-reason': reason.slice(0, 200), 'dead-letter-origin': `${record.topic}/${record.partition}/${record.offset}` },
  };
}

function encodePayload(value: Buffer): Pick<DeadLetterEnvelope, 'payload' | 'payloadEncoding'> {
  const text = value.toString('utf8');
  return Buffer.from(text, 'utf8').equals(value)
    ? { payload: text, payloadEncoding: 'utf8' }
    : { payload: value.toString('base64'), payloadEncoding: 'base64' };
}

/** `at`, moved back to the start of a UTF-8 character, so a cut text stays text. */
function utf8Boundary(value: Buffer, at: number): number {
  let cut = at;
  while (cut > 0 && cut < value.length && (value[cut] & 0xc0) === 0x80) cut--;
  return cut;
}
