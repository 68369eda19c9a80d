import { resolveChargeback } from './chargeback-resolution';
import type { FeatureConfig } from './feature-catalogue';
import { FeatureEngine, type ProcessedEvent } from './feature-engine';
import type { FeatureEvent } from './feature-event';
import { MerchantState } from './merchant-state';
import { TransactionIndex } from './transaction-index';
import { UserState } from './user-state';

/**
 * The scoring service's per-event work, offline: every user's and merchant's state in memory,
 * chargebacks resolved against the transactions seen (TransactionIndex), then FeatureEngine. Events
 * must come in event-time order per user, as a partition delivers them. Training, backtests and the
 * parity checks run through this, so they compute what the service computes.
 */
export class FeatureReplay {
  readonly engine: FeatureEngine;
  readonly transactions: TransactionIndex;
  private readonly users = new Map<string, UserState>();
  private readonly merchants = new Map<string, MerchantState>();

  constructor(
    names: readonly string[],
    readonly config: FeatureConfig,
  ) {
    this.engine = new FeatureEngine(names, config);
    this.transactions = new TransactionIndex(config.disputeHorizonMs);
  }

  process(event: FeatureEvent): ProcessedEvent {
    if (event.type === 'chargeback') resolveChargeback(event, this.transactions.lookup(event.dispute?.eventId ?? ''), this.config.disputeHorizonMs);
    if (event.type === 'transaction') this.transactions.record(event);
    let user = this.users.get(event.userId);
    if (!user) this.users.set(event.userId, (user = new UserState()));
    let merchant: MerchantState | null = null;
    if (event.merchantId !== null) {
      merchant = this.merchants.get(event.merchantId) ?? null;
      if (!merchant) this.merchants.set(event.merchantId, (merchant = new MerchantState()));
    }
    return this.engine.process(event, user, merchant);
  }
}
