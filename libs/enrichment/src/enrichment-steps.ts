import { EnrichmentPipeline } from './enrichment-pipeline';
import type { AsnLookup } from './asn/asn-lookup';
import type { GeoLookup } from './geo/geo-lookup';
import type { ReferenceLookup } from './reference-data/reference-data.reader';
import { asnStep } from './steps/asn.step';
import type { EnrichmentStep } from './steps/enrichment-step';
import { geoStep } from './steps/geo.step';
import { referenceDataStep } from './steps/reference-data.step';
import { userAgentStep } from './steps/user-agent.step';
import { UserAgentParser } from './user-agent/user-agent.parser';

/** Enrichment's sources, opened by the caller (files once per process); reference data is null offline. */
export interface EnrichmentSources {
  geo: GeoLookup;
  asns?: AsnLookup | null;
  reference: ReferenceLookup | null;
}

/**
 * The enrichment steps, in the order they run: a new step is a file in steps/ and a line here. Ingest
 * and the offline tools (training, the simulator) both run this list, so offline features see what
 * live ones do.
 */
export function enrichmentSteps(sources: EnrichmentSources): EnrichmentStep<unknown>[] {
  return [geoStep(sources.geo), userAgentStep(new UserAgentParser()), referenceDataStep(sources.reference), ...(sources.asns ? [asnStep(sources.asns)] : [])];
}

/** What offline tools enrich with: the same steps, without reference data (flagged `reference_unavailable`, as live events are when Redis fails). */
export function offlineEnrichment(geo: GeoLookup): EnrichmentPipeline {
  return new EnrichmentPipeline(enrichmentSteps({ geo, reference: null }));
}
