import { createHash } from 'node:crypto';
import type { BusRecord } from './bus.port';
import type { DeadLetterEnvelope } from '@app/contracts';
import { MAX_DEAD_LETTER_BYTES, toDeadLetterRecord } from './dead-letter';

const recordOf = (value: Buffer, headers: Record<string, string> = {}): BusRecord => ({
  topic: 'events.enriched',
  partition: 1,
  offset: '42',
  key: 'user-1',
  value,
  headers,
  timestamp: 0,
});
const envelopeOf = (value: Buffer, headers?: Record<string, string>) => {
  const out = toDeadLetterRecord({ record: recordOf(value, headers), reason: 'not an enriched event' }, 'scoring');
  return { bytes: Buffer.byteLength(out.value as string), envelope: JSON.parse(out.value as string) as DeadLetterEnvelope };
};

describe('toDeadLetterRecord', () => {
  it('keeps a small payload whole, as text, without a truncation note', () => {
    const { envelope } = envelopeOf(Buffer.from('{"eventId":"e1"}'));
    expect(envelope).toMatchObject({
      payload: '{"eventId":"e1"}',
      payloadEncoding: 'utf8',
      reason: 'not an enriched event',
      origin: { topic: 'events.enriched', partition: 1, offset: '42' },
    });
    expect(envelope.truncated).toBeUndefined();
  });

  it('keeps a payload that is not UTF-8 as base64', () => {
    expect(envelopeOf(Buffer.from([0xff, 0xfe, 0x00])).envelope).toMatchObject({ payload: '//4A', payloadEncoding: 'base64' });
  });

  it.each([
    ['3 MB of text', Buffer.from('x'.repeat(3 * 1024 * 1024))],
    ['900 KB of control characters, six bytes each once escaped', Buffer.alloc(900 * 1024, 1)],
    ['900 KB of two-byte characters', Buffer.from('é'.repeat(450 * 1024))],
  ])('cuts %s to fit a dead letter, keeping its start, size and hash', (_, value) => {
    const { bytes, envelope } = envelopeOf(value);
    expect(bytes).toBeLessThanOrEqual(MAX_DEAD_LETTER_BYTES);
    expect(envelope.payloadEncoding).toBe('utf8');
    expect(value.toString('utf8').startsWith(envelope.payload)).toBe(true);
    expect(envelope.payload.length).toBeGreaterThan(0);
    expect(envelope.truncated).toEqual({ payloadBytes: value.length, payloadSha256: createHash('sha256').update(value).digest('hex'), headersDropped: false });
  });

  it('drops headers too large to carry, and says so', () => {
    const { envelope } = envelopeOf(Buffer.from('{}'), { trace: 'h'.repeat(64 * 1024) });
    expect(envelope.headers).toEqual({});
    expect(envelope.truncated?.headersDropped).toBe(true);
  });
});
