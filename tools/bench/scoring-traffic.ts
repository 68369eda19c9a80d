import type { EnrichedEvent } from '@app/contracts';
import { seededRandom } from './seeded-random';

/**
 * Enriched events as scoring sees them: users with a home location, one or two devices and a few
 * IPs, paying merchants; logins and page views between payments; some travel; a few charge-backs.
 * Times advance over `days`, so every window (10 minutes to 30 days) holds something.
 */
export function scoringTraffic(count: number, options: { users: number; merchants: number; days: number; seed?: number }): EnrichedEvent[] {
  const next = seededRandom(options.seed ?? 42);
  const start = Date.UTC(2026, 9, 1);
  const step = (options.days * 86_400_000) / count;
  const countries = [['FR', 48.85, 2.35], ['DE', 52.52, 13.4], ['GB', 51.5, -0.12], ['US', 40.71, -74], ['ES', 40.41, -3.7]] as const;
  const users = Array.from({ length: options.users }, (_, u) => ({
    id: `user-${u}`,
    home: countries[u % countries.length],
    devices: [`dev-${u}-a`, `dev-${u}-b`],
    ips: [`81.${u % 250}.${(u >> 8) % 250}.${u % 200}`, `92.${u % 250}.${(u >> 8) % 250}.${u % 200}`],
  }));
  const transactions: Array<{ eventId: string; merchantId: string; occurredAt: string; amount: number; userId: string }> = [];
  return Array.from({ length: count }, (_, n): EnrichedEvent => {
    const user = users[Math.floor(next() * users.length)];
    const time = start + Math.floor(n * step);
    const occurredAt = new Date(time).toISOString();
    const traveling = next() < 0.02;
    const [country, lat, lon] = traveling ? countries[Math.floor(next() * countries.length)] : user.home;
    const base = {
      eventId: `sb-${n}`, userId: user.id, occurredAt, receivedAt: occurredAt, source: 'http' as const,
      ip: user.ips[Math.floor(next() * 2)], deviceId: user.devices[next() < 0.9 ? 0 : 1],
      geo: { country, region: null, city: null, latitude: lat, longitude: lon },
      ua: { browser: 'Chrome', browserVersion: '120', os: 'Windows', osVersion: '10', deviceType: 'desktop', isBot: false },
      merchant: null, flags: [],
    };
    const roll = next();
    if (roll < 0.002 && transactions.length > 0) {
      const disputed = transactions[Math.floor(next() * transactions.length)];
      return { ...base, userId: disputed.userId, type: 'chargeback', amount: disputed.amount, currency: 'EUR', merchantId: disputed.merchantId, properties: { originalEventId: disputed.eventId, originalOccurredAt: disputed.occurredAt } };
    }
    if (roll < 0.6) {
      const merchantId = `merchant-${Math.floor(next() * options.merchants)}`;
      const amount = Math.round((5 + next() * 150 * (next() < 0.02 ? 20 : 1)) * 100) / 100;
      if (transactions.length < 50_000) transactions.push({ eventId: base.eventId, merchantId, occurredAt, amount, userId: user.id });
      return { ...base, type: 'transaction', amount, currency: 'EUR', merchantId };
    }
    return { ...base, type: roll < 0.8 ? 'login' : 'page_view' };
  });
}
