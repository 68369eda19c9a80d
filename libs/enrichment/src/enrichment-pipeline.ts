import type { EventIn } from '@app/contracts';
import type { Enrichment, EnrichmentStep } from './steps/enrichment-step';

export interface BatchLookupOptions {
  /** Bounds each step's lookup (a caller with a deadline must not spend it on a store that is restarting). */
  bound?: <T>(lookup: Promise<T>, what: string) => Promise<T>;
  /** Told of a lookup that failed or ran out of time; the events go on without its facts. */
  onLookupFailed?: (step: string, error: unknown) => void;
}

/**
 * Runs the enrichment steps in their order. A batch first asks every remote source at once (one round
 * trip each, concurrently), then enriches each event step by step.
 */
export class EnrichmentPipeline {
  constructor(private readonly steps: readonly EnrichmentStep<unknown>[]) {}

  /** One event without remote lookups: what offline tools (training, the simulator) see. */
  enrich(event: EventIn): Enrichment {
    return this.apply(event, undefined, 0);
  }

  /** Every event of a batch, in order, with each remote source asked once for all of them. */
  async enrichBatch(events: readonly EventIn[], options: BatchLookupOptions = {}): Promise<Enrichment[]> {
    if (events.length === 0) return [];
    const facts = await Promise.all(
      this.steps.map(async (step) => {
        if (!step.lookup) return undefined;
        const lookup = step.lookup(events);
        try {
          return await (options.bound ? options.bound(lookup, `the ${step.name} lookup`) : lookup);
        } catch (error) {
          options.onLookupFailed?.(step.name, error);
          return undefined;
        }
      }),
    );
    return events.map((event, i) => this.apply(event, facts, i));
  }

  private apply(event: EventIn, facts: Array<unknown[] | undefined> | undefined, index: number): Enrichment {
    const enrichment: Enrichment = { geo: null, ua: null, merchant: null, flags: [] };
    this.steps.forEach((step, s) => step.apply(event, enrichment, facts?.[s]?.[index]));
    return enrichment;
  }
}
