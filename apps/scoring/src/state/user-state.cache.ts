import { lru, type LRU } from 'tiny-lru';
import type { UserState } from '@app/features';

/**
 * The users' window state this instance works on, in memory (DESIGN.md, "Scoring": state inside
 * the processor, Redis as the durable copy). Bounded: the least recently used users leave first and
 * are reloaded from Redis when they come back. Each entry remembers its partition, so a partition
 * another instance worked on meanwhile (a Kafka rebalance) can be dropped whole.
 */
export class UserStateCache {
  private readonly entries: LRU<{ partition: string; state: UserState }>;

  constructor(capacity: number) {
    this.entries = lru(capacity);
  }

  get(userId: string): UserState | undefined {
    return this.entries.get(userId)?.state;
  }

  set(userId: string, partition: string, state: UserState): void {
    this.entries.set(userId, { partition, state });
  }

  delete(userId: string): void {
    this.entries.delete(userId);
  }

  dropPartition(partition: string): void {
    for (const [userId, entry] of this.entries.entries()) if (entry?.partition === partition) this.entries.delete(userId);
  }
}
