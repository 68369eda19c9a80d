import type { BusRecord } from '@app/bus';
import { enrichedEventCodec, scoreCodec, type EnrichedEvent, type Score } from '@app/contracts';

export type StreamItem = { kind: 'event'; userId: string; event: EnrichedEvent } | { kind: 'score'; userId: string; score: Score };

/** What a record from events.enriched or scores gives folding, or why it gives nothing. */
export function streamItemOf(record: BusRecord, kind: StreamItem['kind']): StreamItem | string {
  if (kind === 'event') {
    const event = enrichedEventCodec.decode(record.value);
    return typeof event === 'string' ? event : { kind, userId: event.userId, event };
  }
  const score = scoreCodec.decode(record.value);
  return typeof score === 'string' ? score : { kind, userId: score.userId, score };
}
