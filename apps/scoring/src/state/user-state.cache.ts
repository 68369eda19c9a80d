import { lru, type LRU } from 'tiny-lru';
import type { UserState } from '@app/features';

/**
 * The users' window state this instance works on, in memory (DESIGN.md, "Scoring": state inside
 * the processor, Redis as the durable copy). Bounded: the least recently used users leave first and
 * are reloaded from Redis when they come back. Each entry remembers its partition, so a partition
 * another instance worked on meanwhile (a Kafka rebalance) can be dropped whole.
 */
export class UserStateCache {
  private readonly entries: LRU<{ partition: string; state: UserState; expirySetAt: number }>;

  constructor(capacity: number) {
    this.entries = lru(capacity);
  }

  get(userId: string): UserState | undefined {
    return this.entries.get(userId)?.state;
  }

  set(userId: string, partition: string, state: UserState): void {
    const entry = this.entries.get(userId);
    this.entries.set(userId, { partition, state, expirySetAt: entry?.state === state ? entry.expirySetAt : 0 });
  }

  /** Whether this instance set the user's key's TTL since `since` (wall clock): if not, the next write sets it. */
  expirySetSince(userId: string, since: number): boolean {
    return (this.entries.get(userId)?.expirySetAt ?? 0) >= since;
  }

  expirySet(userId: string, at: number): void {
    const entry = this.entries.get(userId);
    if (entry) entry.expirySetAt = at;
  }

  delete(userId: string): void {
    this.entries.delete(userId);
  }

  dropPartition(partition: string): void {
    for (const [userId, entry] of this.entries.entries()) if (entry?.partition === partition) this.entries.delete(userId);
  }
}
