import { Inject, Injectable } from '@nestjs/common';
import type { EnrichedEvent, EventIn, QualityFlag } from '@app/contracts';
import { GeoLookup, UserAgentParser } from '@app/enrichment';
import type { ReferenceFacts } from '../reference-data/reference-data.repository';

export const GEO_LOOKUP = Symbol('GEO_LOOKUP');

/** The domain of an e-mail address the producer put in properties (email or emailDomain), lower-cased. */
export function emailDomainOf(event: EventIn): string | undefined {
  const props = event.properties ?? {};
  const explicit = typeof props.emailDomain === 'string' ? props.emailDomain : undefined;
  const email = typeof props.email === 'string' ? props.email : undefined;
  const domain = explicit ?? (email?.includes('@') ? email.slice(email.lastIndexOf('@') + 1) : undefined);
  return domain?.trim().toLowerCase() || undefined;
}

/** What enrichment adds to an event (the rest of EnrichedEvent is the event itself and where it came from). */
export type Enrichment = Pick<EnrichedEvent, 'geo' | 'ua' | 'merchant' | 'flags'>;

/**
 * Works out geo, User-Agent and reference data for a valid event. Each source is independent: one that
 * fails or knows nothing adds a quality flag and the event goes on.
 */
@Injectable()
export class EnrichService {
  private readonly userAgents = new UserAgentParser();

  constructor(@Inject(GEO_LOOKUP) private readonly geo: GeoLookup) {}

  enrich(event: EventIn, facts: ReferenceFacts | null): Enrichment {
    const flags: QualityFlag[] = [];
    let geo: EnrichedEvent['geo'] = null;
    if (!event.ip) flags.push('ip_missing');
    else {
      try {
        const result = this.geo.lookup(event.ip);
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
        ua = this.userAgents.parse(event.userAgent);
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
}
