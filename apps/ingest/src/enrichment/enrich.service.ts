import { Inject, Injectable } from '@nestjs/common';
import type { EventIn } from '@app/contracts';
import { enrichEvent, GeoLookup, UserAgentParser, type Enrichment, type ReferenceFacts } from '@app/enrichment';

export const GEO_LOOKUP = Symbol('GEO_LOOKUP');

/** The domain of an e-mail address the producer put in properties (email or emailDomain), lower-cased. */
export function emailDomainOf(event: EventIn): string | undefined {
  const props = event.properties ?? {};
  const explicit = typeof props.emailDomain === 'string' ? props.emailDomain : undefined;
  const email = typeof props.email === 'string' ? props.email : undefined;
  const domain = explicit ?? (email?.includes('@') ? email.slice(email.lastIndexOf('@') + 1) : undefined);
  return domain?.trim().toLowerCase() || undefined;
}

/** Enrichment for ingest: the shared enrichEvent with this service's geo databases and parser. */
@Injectable()
export class EnrichService {
  private readonly sources: { geo: GeoLookup; userAgents: UserAgentParser };

  constructor(@Inject(GEO_LOOKUP) geo: GeoLookup) {
    this.sources = { geo, userAgents: new UserAgentParser() };
  }

  enrich(event: EventIn, facts: ReferenceFacts | null): Enrichment {
    return enrichEvent(event, this.sources, facts);
  }
}
