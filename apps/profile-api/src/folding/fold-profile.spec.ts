import type { EnrichedEvent } from '@app/contracts';
import { enrichedEvent, score as aScore, scoreOf } from '@app/testing/builders';
import { eventFacts, foldEvent, foldScore, riskBandOf, scoreFacts, segmentsOf, topCategories, type EventFacts } from './fold-profile';
import { PROFILE_LIMITS, emptyProfile, type ProfileState } from './profile-state';

const event = (over: Partial<EnrichedEvent> & Pick<EnrichedEvent, 'type' | 'occurredAt'>) => enrichedEvent(over);
const located = (country: string, city: string) => ({ country, region: null, city, latitude: null, longitude: null });
const score = (occurredAt: string, value: number, alert = false) => aScore({ occurredAt, score: value, alert });
/** What profiles fold of an event: the brief its Score carries. */
const facts = (e: EnrichedEvent) => eventFacts(scoreOf(e)) as EventFacts;
const fold = (events: EnrichedEvent[], start: ProfileState = emptyProfile('u1')) => events.map(facts).reduce(foldEvent, start);

describe('profile folding', () => {
  it('counts events by type and sums transactions to the cent', () => {
    const profile = fold([
      event({ type: 'transaction', occurredAt: '2026-11-23T10:00:00Z', amount: 0.1, currency: 'EUR', merchantId: 'm' }),
      event({ type: 'transaction', occurredAt: '2026-11-23T10:01:00Z', amount: 0.2, currency: 'EUR', merchantId: 'm' }),
      event({ type: 'login', occurredAt: '2026-11-23T09:00:00Z' }),
    ]);
    expect(profile).toMatchObject({ eventCount: 3, transactionCount: 2, totalAmount: 0.3, countsByType: { transaction: 2, login: 1 } });
  });

  it('gives the same profile whatever order the events arrive in', () => {
    const events = [
      event({
        type: 'login',
        occurredAt: '2026-11-23T08:00:00Z',
        geo: located('FR', 'Paris'),
        deviceId: 'd1',
        ua: { browser: 'Safari', browserVersion: '17', os: 'iOS', osVersion: '17', deviceType: 'mobile', isBot: false },
      }),
      event({ type: 'page_view', occurredAt: '2026-11-23T09:00:00Z', geo: located('DE', 'Berlin'), properties: { category: 'shoes' } }),
      event({
        type: 'login',
        occurredAt: '2026-11-23T06:00:00Z',
        ua: { browser: 'Firefox', browserVersion: '120', os: 'Linux', osVersion: null, deviceType: 'desktop', isBot: false },
      }),
      event({
        type: 'transaction',
        occurredAt: '2026-11-23T07:00:00Z',
        amount: 12.5,
        currency: 'EUR',
        merchantId: 'm',
        geo: located('GB', 'London'),
        deviceId: 'd2',
      }),
    ];
    const inOrder = fold(events);
    const reversed = fold([...events].reverse());
    expect(reversed).toMatchObject({
      firstSeenAt: Date.parse('2026-11-23T06:00:00Z'),
      lastSeenAt: Date.parse('2026-11-23T09:00:00Z'),
      lastCountry: 'DE',
      lastCity: 'Berlin',
      lastDeviceType: 'mobile',
      eventCount: 4,
      totalAmount: 12.5,
      pageCategories: { shoes: 1 },
    });
    for (const field of [
      'firstSeenAt',
      'lastSeenAt',
      'lastCountry',
      'lastCity',
      'lastDeviceType',
      'eventCount',
      'totalAmount',
      'countsByType',
      'pageCategories',
    ] as const) {
      expect(reversed[field]).toEqual(inOrder[field]);
    }
    expect(new Set(reversed.countries)).toEqual(new Set(['FR', 'DE', 'GB']));
  });

  it('keeps countries and devices bounded, dropping the longest unseen', () => {
    const events = Array.from({ length: PROFILE_LIMITS.devices + 5 }, (_, i) =>
      event({ type: 'login', occurredAt: '2026-11-23T08:00:00Z', deviceId: `d${i}` }),
    );
    const profile = fold([...events, event({ type: 'login', occurredAt: '2026-11-23T08:00:00Z', deviceId: 'd6' })]);
    expect(profile.devices).toHaveLength(PROFILE_LIMITS.devices);
    expect(profile.devices).not.toContain('d0');
    expect(profile.devices[profile.devices.length - 1]).toBe('d6');
  });

  it('keeps at most the configured number of page categories and ranks the top ones', () => {
    const views = Array.from({ length: PROFILE_LIMITS.categories + 10 }, (_, i) =>
      event({ type: 'page_view', occurredAt: '2026-11-23T08:00:00Z', properties: { category: `c${i}` } }),
    );
    const favourite = Array.from({ length: 3 }, () => event({ type: 'page_view', occurredAt: '2026-11-23T08:00:00Z', properties: { category: 'shoes' } }));
    const profile = fold([...views, ...favourite]);
    expect(Object.keys(profile.pageCategories)).toHaveLength(PROFILE_LIMITS.categories);
    expect(topCategories(profile)[0]).toBe('shoes');
  });

  it('takes the risk of the latest scored event, counts alerts, and bands the score', () => {
    let profile = foldScore(emptyProfile('u1'), score('2026-11-23T10:00:00Z', 0.9, true));
    profile = foldScore(profile, score('2026-11-23T09:00:00Z', 0.1)); // older event, scored later
    expect(profile).toMatchObject({ lastRiskScore: 0.9, alertCount: 1 });
    expect(riskBandOf(profile)).toBe('high');
    expect(riskBandOf(foldScore(emptyProfile('u'), score('2026-11-23T10:00:00Z', 0.3)))).toBe('medium');
    expect(riskBandOf(foldScore(emptyProfile('u'), score('2026-11-23T10:00:00Z', 0.29)))).toBe('low');
    expect(riskBandOf(emptyProfile('u'))).toBe('unknown');
  });

  it('keeps the risk of the latest event the model scored past a later one the rules judged alone, counting its alert', () => {
    let profile = foldScore(emptyProfile('u1'), score('2026-11-23T10:00:00Z', 0.4));
    profile = foldScore(profile, scoreFacts({ ...score('2026-11-23T10:05:00Z', 0, true), modelScored: false })); // a login, say
    expect(profile).toMatchObject({ lastRiskScore: 0.4, alertCount: 1 });
    expect(riskBandOf(profile)).toBe('medium');
  });

  it('folds an event once when it arrives twice (ingest re-publishes after a crash)', () => {
    const paid = event({ type: 'transaction', occurredAt: '2026-11-23T10:00:00Z', amount: 10 });
    const profile = fold([paid, event({ type: 'login', occurredAt: '2026-11-23T10:01:00Z' }), { ...paid }]);
    expect(profile).toMatchObject({ eventCount: 2, transactionCount: 1, totalAmount: 10 });
  });

  it('counts an alert once when its score arrives twice (scoring re-publishes a batch after a crash)', () => {
    const alerted = score('2026-11-23T10:00:00Z', 0.95, true);
    let profile = foldScore(emptyProfile('u1'), alerted);
    profile = foldScore(profile, score('2026-11-23T10:05:00Z', 0.91, true));
    profile = foldScore(profile, { ...alerted });
    expect(profile.alertCount).toBe(2);
    // Only the latest ids are kept: the copy of a re-published batch follows its original closely.
    for (let i = 0; i < 60; i++) profile = foldScore(profile, score(`2026-11-24T10:${String(i).padStart(2, '0')}:00Z`, 0.9, true));
    expect(profile.alertCount).toBe(62);
    expect(profile.recentAlertEventHashes).toHaveLength(50);
  });

  it('places users in segments from their profile alone', () => {
    const spender = fold([event({ type: 'transaction', occurredAt: '2026-11-20T10:00:00Z', amount: 1500, currency: 'EUR', merchantId: 'm' })]);
    expect(segmentsOf(spender)).toEqual(['high_value', 'new']);
    const traveller = fold(
      ['FR', 'DE', 'GB', 'FR', 'DE', 'GB'].map((country) => event({ type: 'login', occurredAt: '2026-11-20T10:00:00Z', geo: located(country, 'x') })),
    );
    expect(segmentsOf(traveller)).toEqual(['multi_country']);
    expect(segmentsOf(foldScore(traveller, score('2026-11-20T10:00:00Z', 0.2, true)))).toEqual(['at_risk', 'multi_country']);
  });
});
