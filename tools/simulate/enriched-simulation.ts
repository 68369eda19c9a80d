import type { EnrichedEvent } from '@app/contracts';
import { offlineEnrichment, type GeoLookup } from '@app/enrichment';
import { simulate, type FraudScenario, type SimulationOptions } from './simulation';

/**
 * Simulated events as ingest would publish them on events.enriched: enriched offline by the same
 * steps and geo database (no reference data loaded). What training, the parity test and the
 * scoring benchmark feed the feature engine.
 */
export function* enrichedSimulation(options: SimulationOptions, geo: GeoLookup): Generator<{ event: EnrichedEvent; fraud?: FraudScenario }> {
  const enrichment = offlineEnrichment(geo);
  for (const { event, fraud } of simulate(options)) {
    yield { event: { ...event, receivedAt: event.occurredAt, source: 'http', ...enrichment.enrich(event) }, fraud };
  }
}
