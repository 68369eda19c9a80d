import { enrichedEvent, scoreOf } from '@app/testing/builders';
import { scoreCodec, scoredEventOf } from './score.payload';

describe("a Score's event in brief", () => {
  it('holds what the event has of the fields profiles fold, and nothing for what it lacks', () => {
    const located = { country: 'DE', region: null, city: 'Berlin', latitude: 52.5, longitude: 13.4 };
    const ua = { browser: 'Firefox', browserVersion: '120', os: 'Linux', osVersion: null, deviceType: 'desktop', isBot: false };
    expect(scoredEventOf(enrichedEvent({ type: 'transaction', amount: 12.5, currency: 'EUR', deviceId: 'd1', geo: located, ua }))).toEqual({
      type: 'transaction',
      amount: 12.5,
      currency: 'EUR',
      deviceId: 'd1',
      country: 'DE',
      city: 'Berlin',
      deviceType: 'desktop',
    });
    expect(scoredEventOf(enrichedEvent({ type: 'login' }))).toEqual({ type: 'login' });
  });

  it("keeps a page view's category only when it is a non-empty string, and no other type's", () => {
    expect(scoredEventOf(enrichedEvent({ type: 'page_view', properties: { category: 'shoes' } }))).toEqual({ type: 'page_view', pageCategory: 'shoes' });
    expect(scoredEventOf(enrichedEvent({ type: 'page_view', properties: { category: 7 } }))).toEqual({ type: 'page_view' });
    expect(scoredEventOf(enrichedEvent({ type: 'page_view', properties: { category: '' } }))).toEqual({ type: 'page_view' });
    expect(scoredEventOf(enrichedEvent({ type: 'search', properties: { category: 'shoes' } }))).toEqual({ type: 'search' });
  });

  it('is read back by the scores codec as written', () => {
    const score = scoreOf(enrichedEvent({ type: 'page_view', deviceId: 'd1', properties: { category: 'shoes' } }));
    expect(scoreCodec.decode(scoreCodec.encode(score))).toEqual({ schemaVersion: 1, ...score });
  });
});
