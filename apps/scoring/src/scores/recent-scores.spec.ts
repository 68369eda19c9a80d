import type { Score } from '@app/contracts';
import type { EventFate, FeatureEvent } from '@app/features';
import type { ScoredBatch } from '../scoring/score-pipeline';
import { decodeRecentScore, recentScoreEntries } from './recent-scores';

const event = (n: number, userId: string): FeatureEvent =>
  ({ eventId: `e${n}`, type: n % 2 ? 'login' : 'transaction', userId, time: Date.UTC(2026, 2, 2, 10, n) }) as FeatureEvent;

const score = (n: number, userId: string): Score => ({
  eventId: `e${n}`,
  userId,
  occurredAt: new Date(Date.UTC(2026, 2, 2, 10, n)).toISOString(),
  model: { id: 'm', version: '2' },
  score: n / 10,
  decision: n > 3 ? 'review' : 'allow',
  alert: n > 4,
  reasons: n > 3 ? [{ code: 'HIGH_SCORE', detail: 'score 0.4' }, { code: 'VELOCITY' }] : [],
  scoredAt: '2026-03-02T10:10:00.000Z',
});

function batchOf(users: Array<[string, EventFate]>): { batch: ScoredBatch; scores: Score[] } {
  return {
    batch: {
      events: users.map(([userId, fate], n) => ({ event: event(n, userId), occurredAt: '', brief: { type: 'login' }, fate })),
      matrix: new Float32Array(),
      width: 0,
      labels: [],
    },
    scores: users.map(([userId], n) => score(n, userId)),
  };
}

describe('recent scores', () => {
  it("groups a batch's scores by user, oldest first, keeps the last `limit` of each and leaves copies of applied events out", () => {
    const { batch, scores } = batchOf([
      ['a', 'applied'],
      ['b', 'applied'],
      ['a', 'duplicate'],
      ['a', 'late'],
      ['a', 'applied'],
      ['a', 'applied'],
    ]);
    const entries = recentScoreEntries(batch, scores, 3);
    expect([...entries.keys()]).toEqual(['a', 'b']);
    expect((entries.get('a') as string[]).map((e) => decodeRecentScore(e).eventId)).toEqual(['e3', 'e4', 'e5']);
    expect(recentScoreEntries(batch, scores, 0).size).toBe(0);
  });

  it('decodes what it encodes: the reason codes without their details', () => {
    const { batch, scores } = batchOf(Array.from({ length: 6 }, () => ['a', 'applied']));
    const [, newest] = (recentScoreEntries(batch, scores, 2).get('a') as string[]).map(decodeRecentScore);
    expect(newest).toEqual({
      eventId: 'e5',
      type: 'login',
      occurredAt: '2026-03-02T10:05:00.000Z',
      score: 0.5,
      decision: 'review',
      alert: true,
      reasons: ['HIGH_SCORE', 'VELOCITY'],
      model: { id: 'm', version: '2' },
    });
  });

  it('says which scores the model did not give (an event of a type it does not score)', () => {
    const { batch, scores } = batchOf([
      ['a', 'applied'],
      ['a', 'applied'],
    ]);
    scores[1] = { ...scores[1], score: 0, modelScored: false };
    const [scored, unscored] = (recentScoreEntries(batch, scores, 2).get('a') as string[]).map(decodeRecentScore);
    expect(scored.modelScored).toBeUndefined();
    expect(unscored).toMatchObject({ eventId: 'e1', score: 0, modelScored: false });
  });
});
