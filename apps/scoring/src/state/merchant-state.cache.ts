import { MerchantState } from '@app/features';

/**
 * Merchants' counts in memory, reloaded from Redis once they are older than `refreshMs`. Every
 * partition's events touch a merchant, so on Kafka other instances add to the same counts: they
 * show here within the refresh interval, while this instance's own increments show at once.
 * (Reading every merchant of every batch from Redis cost more than all the features.)
 */
export class MerchantStateCache {
  private readonly entries = new Map<string, { state: MerchantState; loadedAt: number }>();

  constructor(private readonly capacity: number, private readonly refreshMs: number) {}

  /** The merchants of `ids` to (re)load from Redis at `now`. */
  stale(ids: string[], now: number): string[] {
    return ids.filter((id) => {
      const entry = this.entries.get(id);
      return !entry || now - entry.loadedAt >= this.refreshMs;
    });
  }

  get(id: string): MerchantState | undefined {
    return this.entries.get(id)?.state;
  }

  set(id: string, state: MerchantState, loadedAt: number): void {
    this.entries.delete(id);
    this.entries.set(id, { state, loadedAt });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}
