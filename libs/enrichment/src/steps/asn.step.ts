import type { EventIn } from '@app/contracts';
import type { AsnLookup } from '../asn/asn-lookup';
import type { Enrichment, EnrichmentStep } from './enrichment-step';

/**
 * The network the IP address belongs to (hosting providers and VPNs stand out by it). Null when the
 * address is missing, not public or not in the file: the geo step's flags already say which.
 */
export function asnStep(asns: Pick<AsnLookup, 'lookup'>): EnrichmentStep {
  return {
    name: 'asn',
    apply(event: EventIn, enrichment: Enrichment): void {
      let result = null;
      try {
        result = event.ip ? asns.lookup(event.ip) : null;
      } catch {
        // A failing ASN file costs the event its ASN only.
      }
      enrichment.asn = result?.status === 'found' ? result.asn : null;
    },
  };
}
