import type { EnrichedEvent, EventIn, QualityFlag } from '@app/contracts';
import type { GeoLookup } from './geo/geo-lookup';
import type { UserAgentParser } from './user-agent/user-agent.parser';

/** What reference data says of an event (ingest reads it from Redis; null when unavailable). */
export interface ReferenceFacts {
  merchant: { category: string | null; riskTier: string | null } | null;
  ipDenied: boolean;
  deviceDenied: boolean;
  emailDomainDenied: boolean;
}

/** What enrichment adds to an event (the rest of EnrichedEvent is the event itself and where it came from). */
export type Enrichment = Pick<EnrichedEvent, 'geo' | 'ua' | 'merchant' | 'flags'>;

/**
 * Works out geo, User-Agent and reference data for a valid event. Each source is independent: one that
 * fails or knows nothing adds a quality flag and the event goes on. Ingest and the training tool both
 * call this, so offline features see what live ones do.
 */
export function enrichEvent(event: EventIn, sources: { geo: GeoLookup; userAgents: UserAgentParser }, facts: ReferenceFacts | null): Enrichment {
  const flags: QualityFlag[] = [];
  let geo: EnrichedEvent['geo'] = null;
  if (!event.ip) flags.push('ip_missing');
  else {
    try {
      const result = sources.geo.lookup(event.ip);
      if (result.status === 'found') geo = result.location;
      else flags.push(result.status === 'private' ? 'ip_private' : result.status === 'invalid' ? 'ip_invalid' : 'geo_not_found');
    } catch {
      flags.push('geo_unavailable');
    }
  }

  let ua: EnrichedEvent['ua'] = null;
  if (!event.userAgent) flags.push('user_agent_missing');
  else {
    try {
      ua = sources.userAgents.parse(event.userAgent);
    } catch {
      flags.push('user_agent_unavailable');
    }
  }

  if (!facts) flags.push('reference_unavailable');
  else {
    if (event.merchantId && !facts.merchant) flags.push('merchant_unknown');
    if (facts.ipDenied) flags.push('ip_denylisted');
    if (facts.deviceDenied) flags.push('device_denylisted');
    if (facts.emailDomainDenied) flags.push('email_domain_denylisted');
  }

  return { geo, ua, merchant: facts?.merchant ?? null, flags };
}
