import { murmur2 } from './murmur2';
import { partitionForKey } from './partition-for-key';
// Produced by Kafka 3.9.1's own Utils.murmur2 / Utils.toPositive (see docs/bus.md).
import vectors from './murmur2.vectors.json';

describe('murmur2 partitioning (Java client compatible)', () => {
  it.each(vectors.map((v) => [v.key, v] as const))('hashes %j like Utils.murmur2', (key, vector) => {
    expect(murmur2(Buffer.from(key, 'utf8'))).toBe(vector.murmur2);
  });

  it.each(vectors.map((v) => [v.key, v] as const))('places %j on the Java partition for every count', (key, vector) => {
    for (const [count, expected] of Object.entries(vector.partitions)) {
      expect(partitionForKey(key, Number(count))).toBe(expected);
    }
  });

  it('spreads many keys roughly evenly', () => {
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[partitionForKey(`user-${i}`, 6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('rejects a partition count that is not a positive integer', () => {
    expect(() => partitionForKey('k', 0)).toThrow(RangeError);
    expect(() => partitionForKey('k', 2.5)).toThrow(RangeError);
  });
});
