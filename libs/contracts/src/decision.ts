import type { Score } from './score.payload';

/** The verdicts a decision may give, the stream's and the fallbacks'. */
export type Verdict = Score['decision'];
export const VERDICTS: readonly Verdict[] = ['allow', 'review', 'block'];

/** Why an answer is the configured fallback rather than the scoring path's verdict. */
export type DegradedReason =
  /** The score did not come back before the caller's deadline (state store slow, scoring busy or rebalancing). */
  | 'deadline'
  /** The event was accepted earlier without a decision (POST /v1/events): it is scored in the stream, not here. */
  | 'accepted_without_decision';

/** The answer of POST /v1/decisions. */
export interface Decision {
  eventId: string;
  decision: Verdict;
  /** The model's score; null when degraded, or when the model does not score events of this type (the rules decided alone). */
  score: number | null;
  reasons: Score['reasons'];
  /** The model that scored it; null when degraded, or when the model does not score events of this type. */
  model: Score['model'] | null;
  decidedAt: string;
  degraded: boolean;
  degradedReason?: DegradedReason;
}

/**
 * The record header that asks scoring for a reply: the Redis channel of the ingest instance that waits
 * for it. A header, not a field of the event: it says who is waiting, not what happened, so the lake and
 * the profiles never see it.
 */
export const DECISION_REPLY_HEADER = 'decision-reply-to';

/**
 * The record header saying how long the answer is kept, in ms: the dedupe window of the ingest instance
 * that asked, for as long as it recognises the event's id.
 */
export const DECISION_KEEP_HEADER = 'decision-keep-ms';

/** The channel an ingest instance receives its decisions on (a deployment's prefix, then the instance). */
export const decisionReplyChannel = (prefix: string, instanceId: string) => `${prefix}decisions:${instanceId}`;

/** Where the first answer given for an event is kept, by its id: asked again, it is answered the same. */
export const decisionKey = (eventId: string) => `ingest:decision:${eventId}`;

/** A decision from the score the stream computed for the event. */
export function decisionOfScore(score: Score): Decision {
  return {
    eventId: score.eventId,
    decision: score.decision,
    score: score.modelScored === false ? null : score.score,
    reasons: score.reasons,
    model: score.modelScored === false ? null : score.model,
    decidedAt: score.scoredAt,
    degraded: false,
  };
}
