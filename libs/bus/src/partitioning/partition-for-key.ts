import { murmur2 } from './murmur2';

/**
 * The partition a keyed record belongs to: Kafka's default (Java) partitioner,
 * `toPositive(murmur2(utf8(key))) % partitions`. Both bus engines use it, so a key's
 * partition, and with it its ordering, is the same on Kafka and on Redis Streams.
 */
export function partitionForKey(key: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
