import { lru, type LRU } from 'tiny-lru';
import type { ProfileState } from '../folding/profile-state';

/** A profile as last committed by this process: its folded state and the row version it was written with. */
export interface CachedProfile {
  state: ProfileState;
  version: number;
}

/**
 * The profiles this process folded last, so a batch reads from Postgres only the users it has not seen
 * lately (docs/profiles.md, "Folding"). Entries are put only after their transaction committed, so
 * they are what Postgres holds, unless another member wrote the row since: the upsert's version check
 * then refuses the write and the user is read again from Postgres. Least recently folded users give
 * way once `capacity` are held (tiny-lru's list: a Map that forgot its oldest through its own iteration
 * order spent ~13 µs an eviction when new users came in order, RecentWindow in @app/contracts says why).
 */
export class ProfileCache {
  private readonly profiles: LRU<CachedProfile>;

  constructor(private readonly capacity: number) {
    this.profiles = lru(capacity);
  }

  get size(): number {
    return this.profiles.size;
  }

  /** Reading does not count as use: least recently folded users give way first. */
  get(userId: string): CachedProfile | undefined {
    return this.profiles.peek(userId);
  }

  /** The user's profile as just committed, now the most recently folded. */
  put(userId: string, profile: CachedProfile): void {
    if (this.capacity === 0) return; // tiny-lru's 0 is no bound; ours is no cache
    this.profiles.set(userId, profile);
  }

  forget(userId: string): void {
    this.profiles.delete(userId);
  }
}
