import type { BusRecord } from '@app/bus';
import { scoreCodec } from '@app/contracts';
import { eventFacts, scoreFacts, type EventFacts, type ScoreFacts } from '../folding/fold-profile';

/** What a record of `scores` gives folding: the event in brief (none from a scoring that wrote none) and its score. */
export interface StreamItem {
  userId: string;
  event: EventFacts | null;
  score: ScoreFacts;
}

/** The record's item, or why it gives none (a dead letter's reason). */
export function streamItemOf(record: BusRecord): StreamItem | string {
  const score = scoreCodec.decode(record.value);
  return typeof score === 'string' ? score : { userId: score.userId, event: eventFacts(score), score: scoreFacts(score) };
}
