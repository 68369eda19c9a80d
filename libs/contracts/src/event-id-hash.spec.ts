import { randomUUID } from 'node:crypto';
import { eventIdHash } from './event-id-hash';

describe('eventIdHash', () => {
  it('is a deterministic integer of at most 53 bits', () => {
    const h = eventIdHash('sim42-47792');
    expect(h).toBe(eventIdHash('sim42-47792'));
    expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
  });

  it('tells apart ids that differ in one character, or only in order', () => {
    expect(eventIdHash('evt-1')).not.toBe(eventIdHash('evt-2'));
    expect(eventIdHash('ab')).not.toBe(eventIdHash('ba'));
    expect(eventIdHash('')).not.toBe(eventIdHash('\u0000'));
  });

  it('collides on none of 100,000 UUIDs and sequential ids, and uses its high bits', () => {
    const ids = [...Array.from({ length: 50_000 }, () => randomUUID()), ...Array.from({ length: 50_000 }, (_, i) => `sim42-${i}`)];
    const hashes = new Set(ids.map(eventIdHash));
    expect(hashes.size).toBe(ids.length);
    expect([...hashes].some((h) => h >= 2 ** 52)).toBe(true);
  });
});
