import type { EventIn } from '@app/contracts';
import type { Enrichment } from '@app/enrichment';
import { enrichedEventJson } from './enriched-event.json';

const geo = { country: 'GB', region: 'England', city: 'London', latitude: 51.5, longitude: -0.12 };
const ua = { browser: 'Chrome', browserVersion: '124.0', os: 'Windows', osVersion: '10', deviceType: 'desktop', isBot: false };
const enrichment: Enrichment = { geo, ua, merchant: { category: 'books', riskTier: null }, flags: ['ip_denylisted'] };
const event: EventIn = { type: 'transaction', userId: 'u-"quoted"-é', occurredAt: '2026-11-23T11:00:00+01:00', amount: 10.5, currency: 'EUR', merchantId: 'm-1', properties: { note: 'line\nbreak', n: 1 } };

describe('enrichedEventJson', () => {
  it('is the enriched event, with an assigned id', () => {
    const json = enrichedEventJson(event, 'assigned-1', '2026-11-23T10:00:01.000Z', 'http', enrichment);
    expect(JSON.parse(json)).toEqual({ ...event, eventId: 'assigned-1', receivedAt: '2026-11-23T10:00:01.000Z', source: 'http', ...enrichment });
  });

  it('keeps a given id where it is', () => {
    const given = { ...event, eventId: 'given-1' };
    const json = enrichedEventJson(given, 'given-1', '2026-11-23T10:00:01.000Z', 'events.raw', { geo: null, ua: null, merchant: null, flags: [] });
    expect(JSON.parse(json)).toEqual({ ...given, receivedAt: '2026-11-23T10:00:01.000Z', source: 'events.raw', geo: null, ua: null, merchant: null, flags: [] });
  });

  it('serialises a repeated geo or User-Agent answer the same way every time', () => {
    const first = enrichedEventJson(event, 'a', 't', 'http', enrichment);
    const second = enrichedEventJson(event, 'a', 't', 'http', { ...enrichment });
    expect(second).toBe(first);
  });
});
