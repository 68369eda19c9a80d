import { eventIn } from '@app/testing/builders';
import type { EventIn } from '@app/contracts';
import { EnrichmentPipeline } from './enrichment-pipeline';
import type { EnrichmentStep } from './steps/enrichment-step';

const event = (userId: string) => eventIn({ userId });

/** A step that records what it was given: the facts its lookup returned for each event. */
function remoteStep(name: string, lookup: (events: readonly EventIn[]) => Promise<string[]>): EnrichmentStep<string> {
  return { name, lookup, apply: (_event, enrichment, facts) => void enrichment.flags.push((facts ?? `${name}:none`) as never) };
}

describe('EnrichmentPipeline', () => {
  it('asks each remote source once per batch and runs the steps in order for each event', async () => {
    const calls: string[][] = [];
    const pipeline = new EnrichmentPipeline([
      remoteStep('a', async (events) => (calls.push(events.map((e) => e.userId)), events.map((e) => `a:${e.userId}`))),
      { name: 'local', apply: (_event, enrichment) => void enrichment.flags.push('local' as never) },
      remoteStep('b', async (events) => events.map((e) => `b:${e.userId}`)),
    ]);
    const enriched = await pipeline.enrichBatch([event('u1'), event('u2')]);
    expect(calls).toEqual([['u1', 'u2']]);
    expect(enriched.map((e) => e.flags)).toEqual([
      ['a:u1', 'local', 'b:u1'],
      ['a:u2', 'local', 'b:u2'],
    ]);
  });

  it('goes on without the facts of a source that fails or runs out of time, and says which', async () => {
    const failed: string[] = [];
    const pipeline = new EnrichmentPipeline([
      remoteStep('down', async () => Promise.reject(new Error('ECONNREFUSED'))),
      remoteStep('slow', () => new Promise(() => undefined)),
      remoteStep('up', async (events) => events.map(() => 'up:ok')),
    ]);
    const enriched = await pipeline.enrichBatch([event('u1')], {
      bound: (lookup, what) => (what === 'the slow lookup' ? Promise.reject(new Error('past the deadline')) : lookup),
      onLookupFailed: (step, error) => failed.push(`${step}: ${(error as Error).message}`),
    });
    expect(enriched[0].flags).toEqual(['down:none', 'slow:none', 'up:ok']);
    expect(failed.sort()).toEqual(['down: ECONNREFUSED', 'slow: past the deadline']);
  });

  it('enriches one event offline without any lookup', () => {
    let asked = false;
    const pipeline = new EnrichmentPipeline([remoteStep('a', async () => ((asked = true), []))]);
    expect(pipeline.enrich(event('u1'))).toEqual({ geo: null, ua: null, merchant: null, flags: ['a:none'] });
    expect(asked).toBe(false);
  });
});
