import type { BusRecord } from '@app/bus';
import { enrichedEvent, score, scoreOf } from '@app/testing/builders';
import { scoresWithoutEvent, streamItemOf } from './stream-item';

const record = (value: unknown): BusRecord => ({
  topic: 'scores',
  partition: 0,
  offset: '1',
  key: 'u1',
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: {},
  timestamp: 0,
});
const counted = async () => (await scoresWithoutEvent.get()).values[0]?.value ?? 0;

describe('a record of scores, as folding reads it', () => {
  it('gives the event in brief and the score', () => {
    const event = enrichedEvent({ type: 'page_view', deviceId: 'd1', properties: { category: 'shoes' } });
    expect(streamItemOf(record(scoreOf(event, { score: 0.4, alert: true })))).toEqual({
      userId: 'u1',
      event: { type: 'page_view', deviceId: 'd1', pageCategory: 'shoes', eventId: event.eventId, occurredAt: event.occurredAt },
      score: { eventId: event.eventId, occurredAt: event.occurredAt, score: 0.4, alert: true },
    });
  });

  it('gives the score alone of a Score without its event, and counts it', async () => {
    const before = await counted();
    const item = streamItemOf(record(score({ score: 0.3 })));
    expect(item).toMatchObject({ userId: 'u1', event: null, score: { score: 0.3 } });
    expect(await counted()).toBe(before + 1);
  });

  it('gives the reason a record is not a Score', () => {
    expect(streamItemOf(record('not json'))).toMatch(/^not a score: invalid JSON/);
  });
});
