import { lru, type LRU } from 'tiny-lru';
import type { MerchantState } from '@app/features';

/**
 * Merchants' counts in memory, reloaded from Redis once they are older than `refreshMs` (0: every
 * batch). Every partition's events touch a merchant, so on Kafka other instances add to the same
 * counts: they show here within the refresh interval, while this instance's own increments show at
 * once. (Reading every merchant of every batch from Redis cost more than all the features.)
 */
export class MerchantStateCache {
  private readonly entries: LRU<MerchantState>;

  constructor(
    capacity: number,
    private readonly refreshMs: number,
  ) {
    this.entries = lru(capacity, refreshMs);
  }

  /** The merchant's counts if loaded less than `refreshMs` ago; undefined means: read them from Redis. */
  fresh(id: string): MerchantState | undefined {
    return this.refreshMs === 0 ? undefined : this.entries.get(id);
  }

  set(id: string, state: MerchantState): void {
    this.entries.set(id, state);
  }

  delete(id: string): void {
    this.entries.delete(id);
  }
}
