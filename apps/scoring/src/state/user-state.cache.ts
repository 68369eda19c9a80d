import { UserState } from '@app/features';

/**
 * The users' window state this instance works on, in memory (DESIGN.md, "Scoring": state inside
 * the processor, Redis as the durable copy). Bounded: the least recently used users leave first and
 * are reloaded from Redis when they come back. Each entry remembers its partition, so a partition
 * another instance worked on meanwhile (a Kafka rebalance) can be dropped whole.
 */
export class UserStateCache {
  private readonly entries = new Map<string, { partition: string; state: UserState }>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(userId: string): UserState | undefined {
    const entry = this.entries.get(userId);
    if (!entry) return undefined;
    this.entries.delete(userId); // re-inserted last: Map order is the recency order
    this.entries.set(userId, entry);
    return entry.state;
  }

  set(userId: string, partition: string, state: UserState): void {
    this.entries.delete(userId);
    this.entries.set(userId, { partition, state });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  delete(userId: string): void {
    this.entries.delete(userId);
  }

  dropPartition(partition: string): void {
    for (const [userId, entry] of this.entries) if (entry.partition === partition) this.entries.delete(userId);
  }
}
