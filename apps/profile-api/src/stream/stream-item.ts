import type { BusRecord } from '@app/bus';
import { enrichedEventCodec, scoreCodec } from '@app/contracts';
import { eventFacts, scoreFacts, type EventFacts, type ScoreFacts } from '../folding/fold-profile';

export type StreamItem = { kind: 'event'; userId: string; event: EventFacts } | { kind: 'score'; userId: string; score: ScoreFacts };

/** What a record from events.enriched or scores gives folding, or why it gives nothing. */
export function streamItemOf(record: BusRecord, kind: StreamItem['kind']): StreamItem | string {
  if (kind === 'event') {
    const event = enrichedEventCodec.decode(record.value);
    return typeof event === 'string' ? event : { kind, userId: event.userId, event: eventFacts(event) };
  }
  const score = scoreCodec.decode(record.value);
  return typeof score === 'string' ? score : { kind, userId: score.userId, score: scoreFacts(score) };
}
