import type { FeatureEvent } from './feature-event';
import { transactionFactsOf, type TransactionFacts } from './chargeback-resolution';

/**
 * The transactions of the dispute horizon, by id, in memory: what offline runs (training, backtests,
 * parity checks) resolve chargebacks against. The scoring service keeps the same facts in Redis
 * (WindowStateRepository). Entries leave once the latest event time is a horizon past them.
 */
export class TransactionIndex {
  private readonly byId = new Map<string, TransactionFacts>();
  private latest = Number.NEGATIVE_INFINITY;

  constructor(private readonly horizonMs: number) {}

  get size(): number {
    return this.byId.size;
  }

  record(event: FeatureEvent): void {
    this.byId.set(event.eventId, transactionFactsOf(event));
    if (event.time > this.latest) {
      this.latest = event.time;
      this.prune();
    }
  }

  lookup(eventId: string): TransactionFacts | undefined {
    return this.byId.get(eventId);
  }

  /** Map order is insertion order, close to time order: stop at the first entry still in the horizon. */
  private prune(): void {
    for (const [id, facts] of this.byId) {
      if (this.latest - facts.time <= this.horizonMs) break;
      this.byId.delete(id);
    }
  }
}
