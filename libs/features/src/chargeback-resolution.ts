import type { FeatureEvent } from './feature-event';
import { DAY } from './windows';

/** What the platform keeps of a transaction so that a chargeback naming it can be resolved. */
export interface TransactionFacts {
  time: number;
  userId: string;
  merchantId: string | null;
  amount: number;
  /** The chargeback that disputed it first: a transaction is fraud once, however many chargebacks name it. */
  disputedBy?: string;
}

/**
 * How long after a transaction a chargeback naming it is still resolved: card networks accept
 * card-not-present fraud disputes up to 120 days after the transaction.
 */
export const DEFAULT_DISPUTE_HORIZON_MS = 120 * DAY;

/** What resolving a chargeback found wrong; an unmatched one still counts, at the best time known. */
export type ChargebackFlag =
  | 'chargeback_unmatched'
  | 'chargeback_user_mismatch'
  | 'chargeback_merchant_mismatch'
  | 'chargeback_amount_mismatch'
  | 'chargeback_time_mismatch'
  /** The transaction was disputed already, by another chargeback: this one counts nothing more. */
  | 'chargeback_repeat';

/** A claimed time further than this from the transaction's own is a mismatch (ISO times carry ms; clocks differ). */
const TIME_TOLERANCE_MS = 1_000;
const CENT = 0.005;

export function transactionFactsOf(event: FeatureEvent): TransactionFacts {
  return { time: event.time, userId: event.userId, merchantId: event.merchantId, amount: event.amount };
}

/**
 * Ties a chargeback to the transaction it names (`original`, found by id; undefined when unknown):
 * its fraud counts at the transaction's time, in the transaction's merchant's windows, and what the
 * chargeback says that disagrees is flagged. A transaction older than the horizon counts as unknown,
 * by event time, so a replay resolves as live traffic did. An unknown original counts at the claimed
 * `originalOccurredAt` when given, otherwise at the chargeback's own time. A second chargeback naming
 * a transaction already disputed (another id: a re-presentment, a feed sending it twice) is flagged
 * `chargeback_repeat` and counts nowhere (`disputedAt` null). Sets `disputedAt`, `merchantId` and
 * `dispute.flags` of the chargeback, and marks `original` as disputed by it (callers that keep the
 * facts store them again); the same inputs always give the same result.
 */
export function resolveChargeback(chargeback: FeatureEvent, original: TransactionFacts | undefined, horizonMs: number): void {
  const dispute = chargeback.dispute;
  if (!dispute) return;
  const { claimedAt, claimedAmount, claimedMerchantId } = dispute;
  const known = original !== undefined && chargeback.time - original.time <= horizonMs ? original : undefined;
  const flags: ChargebackFlag[] = [];
  if (!known) {
    flags.push('chargeback_unmatched');
    chargeback.disputedAt = claimedAt ?? chargeback.time;
    chargeback.merchantId = claimedMerchantId;
  } else if (known.disputedBy !== undefined && known.disputedBy !== chargeback.eventId) {
    flags.push('chargeback_repeat');
    chargeback.disputedAt = null;
    chargeback.merchantId = known.merchantId;
  } else {
    known.disputedBy = chargeback.eventId;
    if (known.userId !== chargeback.userId) flags.push('chargeback_user_mismatch');
    if (claimedMerchantId !== null && known.merchantId !== claimedMerchantId) flags.push('chargeback_merchant_mismatch');
    if (claimedAmount !== null && Math.abs(known.amount - claimedAmount) > CENT) flags.push('chargeback_amount_mismatch');
    if (claimedAt !== null && Math.abs(claimedAt - known.time) > TIME_TOLERANCE_MS) flags.push('chargeback_time_mismatch');
    chargeback.disputedAt = known.time;
    chargeback.merchantId = known.merchantId;
  }
  dispute.flags = flags;
}
