import type { EnrichedEvent, EventIn } from '@app/contracts';

/** What enrichment adds to an event: every field of the enriched event that is neither the producer's nor ingest's own. */
export type Enrichment = Omit<EnrichedEvent, keyof EventIn | 'receivedAt' | 'source'>;

/**
 * One source of enrichment (geo, User-Agent, reference data, ...). A step writes its own fields of the
 * enrichment, and a quality flag when its source fails or knows nothing: an event is never dropped for
 * what a step could not do. The ordered list is `enrichmentSteps` (enrichment-steps.ts).
 */
export interface EnrichmentStep<Facts = never> {
  /** Names the step in logs. */
  readonly name: string;
  /**
   * For a step whose source is remote (reference data in Redis): what the source says of a whole batch,
   * in one round trip, one entry per event. Rejects when the source is unavailable.
   */
  lookup?(events: readonly EventIn[]): Promise<Facts[]>;
  /** Adds this step's part to one event's enrichment; `facts` is undefined when there was no lookup or it failed. */
  apply(event: EventIn, enrichment: Enrichment, facts: Facts | undefined): void;
}
