import type { EventIn } from '@app/contracts';
import type { GeoLookup } from '../geo/geo-lookup';
import type { Enrichment, EnrichmentStep } from './enrichment-step';

/** Where the IP address is; flags a missing, private, invalid or unplaced address, or a failing database. */
export function geoStep(geo: Pick<GeoLookup, 'lookup'>): EnrichmentStep {
  return {
    name: 'geo',
    apply(event: EventIn, enrichment: Enrichment): void {
      if (!event.ip) return void enrichment.flags.push('ip_missing');
      try {
        const result = geo.lookup(event.ip);
        if (result.status === 'found') enrichment.geo = result.location;
        else enrichment.flags.push(result.status === 'private' ? 'ip_private' : result.status === 'invalid' ? 'ip_invalid' : 'geo_not_found');
      } catch {
        enrichment.flags.push('geo_unavailable');
      }
    },
  };
}
