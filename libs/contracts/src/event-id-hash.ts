/**
 * A 53-bit hash of an event id: what a user's state and a profile remember of their latest events, to
 * recognise a copy published twice. A number is 8 bytes in an array of doubles; the id itself, a UUID,
 * ~60 in the heap, and 32 of them were a quarter of a cached user's memory (docs/scoring.md, "Memory").
 * In a profile's jsonb column 32 numbers upsert ~4x faster than 32 UUIDs. Two different ids among the
 * last 32 match with a chance of ~32 / 2^53 per event (~4e-15).
 */
export function eventIdHash(id: string): number {
  // Two FNV-1a passes with different offsets, each finished with murmur3's avalanche; 21 + 32 bits.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193 + 0x200);
  }
  return (avalanche(a) & 0x1fffff) * 0x1_0000_0000 + (avalanche(b ^ id.length) >>> 0);
}

/** Stored recent events as hashes: state written when it held the ids themselves is hashed on reading. */
export const asEventIdHashes = (stored: ReadonlyArray<number | string>): number[] => stored.map((id) => (typeof id === 'string' ? eventIdHash(id) : id));

function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
