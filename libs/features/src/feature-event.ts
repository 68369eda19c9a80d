import type { EnrichedEvent } from '@app/contracts';

/** What the feature engine reads of an event: plain data, the same online (enriched stream) and offline (training). */
export interface FeatureEvent {
  eventId: string;
  type: string;
  userId: string;
  /** Event time in ms. */
  time: number;
  amount: number;
  merchantId: string | null;
  deviceId: string | null;
  ip: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  isBot: boolean;
  ipDenylisted: boolean;
  deviceDenylisted: boolean;
  /** For a chargeback: when the disputed transaction happened (its fraud counts in that transaction's window). */
  disputedAt: number | null;
}

/** Reads the engine's view of an enriched event. Times were validated at ingest. */
export function featureEventOf(event: EnrichedEvent): FeatureEvent {
  const disputed = event.type === 'chargeback' ? event.properties?.originalOccurredAt : undefined;
  const disputedAt = typeof disputed === 'string' ? Date.parse(disputed) : NaN;
  const time = Date.parse(event.occurredAt);
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
    // A chargeback without the disputed time counts at its own time: later than the fraud, but never lost.
    disputedAt: event.type === 'chargeback' ? (Number.isFinite(disputedAt) ? disputedAt : time) : null,
  };
}
