import { Counter } from 'prom-client';
import type { BusRecord } from '@app/bus';
import { scoreCodec } from '@app/contracts';
import { eventFacts, scoreFacts, type EventFacts, type ScoreFacts } from '../folding/fold-profile';

/** Non-zero after an upgrade done in the wrong order: profiles are then missing those Scores' events. */
export const scoresWithoutEvent = new Counter({
  name: 'profile_scores_without_event_total',
  help: 'Scores read without their event in brief (written by a scoring older than the field): only their score is folded, not their event',
});

/** What a record of `scores` gives folding: the event in brief (none from a scoring that wrote none) and its score. */
export interface StreamItem {
  userId: string;
  event: EventFacts | null;
  score: ScoreFacts;
}

/** The record's item, or why it gives none (a dead letter's reason). */
export function streamItemOf(record: BusRecord): StreamItem | string {
  const score = scoreCodec.decode(record.value);
  if (typeof score === 'string') return score;
  const event = eventFacts(score);
  if (!event) scoresWithoutEvent.inc();
  return { userId: score.userId, event, score: scoreFacts(score) };
}
