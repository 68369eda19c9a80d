import type { EnrichedEvent } from '@app/contracts';
import type { ChargebackFlag } from './chargeback-resolution';

/** What a chargeback says of the transaction it disputes, and what resolving it found. */
export interface Dispute {
  /** The disputed transaction's id (`properties.originalEventId`). */
  eventId: string;
  /** Its time (`properties.originalOccurredAt`), amount and merchant as the chargeback claims them, when given. */
  claimedAt: number | null;
  claimedAmount: number | null;
  claimedMerchantId: string | null;
  /** What resolveChargeback found wrong; empty until it ran, or when all agrees. */
  flags: ChargebackFlag[];
}

/** What the feature engine reads of an event: plain data, the same online (enriched stream) and offline (training). */
export interface FeatureEvent {
  eventId: string;
  type: string;
  userId: string;
  /** Event time in ms. */
  time: number;
  amount: number;
  /** Null for a shop without merchants: merchant features then read as missing (NaN). */
  merchantId: string | null;
  deviceId: string | null;
  ip: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  isBot: boolean;
  ipDenylisted: boolean;
  deviceDenylisted: boolean;
  /**
   * For a chargeback: when the disputed transaction happened, where its fraud counts. Until
   * resolveChargeback finds the transaction, the claimed time or else the chargeback's own.
   */
  disputedAt: number | null;
  dispute: Dispute | null;
}

/** Reads the engine's view of an enriched event. Times were validated at ingest. */
export function featureEventOf(event: EnrichedEvent): FeatureEvent {
  const time = Date.parse(event.occurredAt);
  const dispute = event.type === 'chargeback' ? disputeOf(event) : null;
  return {
    eventId: event.eventId,
    type: event.type,
    userId: event.userId,
    time,
    amount: event.amount ?? 0,
    merchantId: event.merchantId ?? null,
    deviceId: event.deviceId ?? null,
    ip: event.ip ?? null,
    country: event.geo?.country ?? null,
    latitude: event.geo?.latitude ?? null,
    longitude: event.geo?.longitude ?? null,
    isBot: event.ua?.isBot ?? false,
    ipDenylisted: event.flags?.includes('ip_denylisted') ?? false,
    deviceDenylisted: event.flags?.includes('device_denylisted') ?? false,
    disputedAt: dispute ? (dispute.claimedAt ?? time) : null,
    dispute,
  };
}

function disputeOf(event: EnrichedEvent): Dispute {
  const { originalEventId, originalOccurredAt } = event.properties ?? {};
  const claimedAt = typeof originalOccurredAt === 'string' ? Date.parse(originalOccurredAt) : NaN;
  return {
    eventId: typeof originalEventId === 'string' ? originalEventId : '',
    claimedAt: Number.isFinite(claimedAt) ? claimedAt : null,
    claimedAmount: event.amount ?? null,
    claimedMerchantId: event.merchantId ?? null,
    flags: [],
  };
}
