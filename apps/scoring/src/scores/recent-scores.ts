import type { Score } from '@app/contracts';
import type { ScoredBatch } from '../scoring/score-pipeline';
import type { StateChanges } from '../state/window-state.repository';
import type { RecentScore } from './recent-score.view';

/**
 * A customer's latest scores as scoring stores them with its batch's state (a capped list per user):
 * [eventId, type, time ms, score, decision, alert 0|1, reason codes, model id, model version] in JSON,
 * ~90 bytes for the simulator's ids, then a 0 when the model did not score the event. Written in the
 * batch's one script call, so exactly once per event even when a crash makes the stream deliver it again.
 */
type Entry = [string, string, number, number, RecentScore['decision'], 0 | 1, string[], string, string, 0?];

/** The batch's new entries per user, oldest first, at most `limit` each; copies of applied events (duplicates) are left out. */
export function recentScoreEntries(batch: ScoredBatch, scores: Score[], limit: number): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  if (limit === 0) return byUser;
  batch.events.forEach(({ event, fate }, i) => {
    if (fate === 'duplicate') return;
    const { score, decision, alert, reasons, model, modelScored } = scores[i];
    const entry: Entry = [event.eventId, event.type, event.time, score, decision, alert ? 1 : 0, reasons.map((r) => r.code), model.id, model.version];
    if (modelScored === false) entry.push(0);
    let entries = byUser.get(event.userId);
    if (!entries) byUser.set(event.userId, (entries = []));
    entries.push(JSON.stringify(entry));
    if (entries.length > limit) entries.shift();
  });
  return byUser;
}

/** Adds the batch's latest scores to its changes: each user's list has its TTL set when the user's state has. */
export function addRecentScores(changes: StateChanges, batch: ScoredBatch, scores: Score[]): void {
  const expiring = new Set(changes.users.flatMap((user) => (user.expire ? [user.userId] : [])));
  changes.recentScores = [...recentScoreEntries(batch, scores, changes.recentScoreLimit)].map(([userId, entries]) => ({
    userId,
    entries,
    expire: expiring.has(userId),
  }));
}

export function decodeRecentScore(text: string): RecentScore {
  const [eventId, type, time, score, decision, alert, reasons, id, version, modelScored] = JSON.parse(text) as Entry;
  const view: RecentScore = { eventId, type, occurredAt: new Date(time).toISOString(), score, decision, alert: alert === 1, reasons, model: { id, version } };
  if (modelScored === 0) view.modelScored = false;
  return view;
}
