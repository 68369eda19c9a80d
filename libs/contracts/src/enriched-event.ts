import type { EventIn } from './event-in.schema';

/** Why an enriched event is less than complete; enrichment never drops an event, it says what it could not do. */
export type QualityFlag =
  | 'ip_missing'
  | 'ip_private'
  | 'ip_invalid'
  | 'geo_not_found'
  | 'geo_unavailable'
  | 'user_agent_missing'
  | 'user_agent_unavailable'
  | 'reference_unavailable'
  | 'merchant_unknown'
  | 'ip_denylisted'
  | 'device_denylisted'
  | 'email_domain_denylisted';

export interface EnrichedEvent extends EventIn {
  eventId: string;
  receivedAt: string;
  /** `http` for POST /v1/events, `events.raw` for records read from the topic. */
  source: 'http' | 'events.raw';
  geo: { country: string | null; region: string | null; city: string | null; latitude: number | null; longitude: number | null } | null;
  ua: { browser: string | null; browserVersion: string | null; os: string | null; osVersion: string | null; deviceType: string; isBot: boolean } | null;
  merchant: { category: string | null; riskTier: string | null } | null;
  flags: QualityFlag[];
}
