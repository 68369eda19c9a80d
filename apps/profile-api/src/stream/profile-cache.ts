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
 * way once `capacity` are held (a Map iterates in insertion order; a put moves the user last).
 */
export class ProfileCache {
  private readonly profiles = new Map<string, CachedProfile>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.profiles.size;
  }

  get(userId: string): CachedProfile | undefined {
    return this.profiles.get(userId);
  }

  put(userId: string, profile: CachedProfile): void {
    if (this.capacity === 0) return;
    this.profiles.delete(userId);
    this.profiles.set(userId, profile);
    if (this.profiles.size > this.capacity) this.profiles.delete(this.profiles.keys().next().value as string);
  }

  forget(userId: string): void {
    this.profiles.delete(userId);
  }
}
