import { EventValidator } from '@app/contracts';
import { GeoLookup } from '@app/enrichment';
import { simulationOptions } from './simulate';
import { simulate, type SimulatedEvent } from './simulation';

describe('the transaction simulator', () => {
  let geo: GeoLookup;
  let events: SimulatedEvent[];
  beforeAll(async () => {
    geo = await GeoLookup.open();
    events = [...simulate(simulationOptions({ seed: '3', customers: '400', terminals: '800', days: '30' }, geo))];
  });

  it('emits only events ingest accepts, in time order', () => {
    const validator = new EventValidator();
    const problems = events.flatMap(({ event }) => {
      const result = validator.validate(event);
      return result.ok ? [] : [`${event.eventId}: ${result.reasons.join('; ')}`];
    });
    expect(problems.slice(0, 5)).toEqual([]);
    for (let i = 1; i < events.length; i++) expect(events[i].event.occurredAt >= events[i - 1].event.occurredAt).toBe(true);
  });

  it('is the same for the same seed', () => {
    const again = [...simulate(simulationOptions({ seed: '3', customers: '400', terminals: '800', days: '30' }, geo))];
    expect(again.map((e) => JSON.stringify(e))).toEqual(events.map((e) => JSON.stringify(e)));
  });

  it("plays the handbook's fraud scenarios and the account takeover, each fraud followed by its chargeback within 1-6 days", () => {
    const frauds = events.filter((e) => e.fraud);
    const scenarios = new Set(frauds.map((e) => e.fraud));
    expect([...scenarios].sort()).toEqual(['account_takeover', 'amount_over_220', 'compromised_customer', 'compromised_terminal']);
    const transactions = events.filter((e) => e.event.type === 'transaction').length;
    // The handbook compromises 2 terminals and 3 customers a day whatever the population: ~0.8% of 5,000
    // customers' payments are fraud, a larger share of these 400's.
    expect(frauds.length / transactions).toBeGreaterThan(0.01);
    expect(frauds.length / transactions).toBeLessThan(0.15);
    const chargebacks = new Map(events.filter((e) => e.event.type === 'chargeback').map((e) => [e.event.properties?.originalEventId, e.event]));
    const lastTime = Date.parse(events[events.length - 1].event.occurredAt);
    for (const { event } of frauds) {
      const chargeback = chargebacks.get(event.eventId);
      const fraudAt = Date.parse(event.occurredAt);
      if (fraudAt + 6 * 86_400_000 > lastTime) continue; // its chargeback falls after the simulated period
      expect(chargeback).toMatchObject({
        userId: event.userId,
        merchantId: event.merchantId,
        amount: event.amount,
        properties: { originalOccurredAt: event.occurredAt },
      });
      const lag = Date.parse(chargeback!.occurredAt) - fraudAt;
      expect(lag).toBeGreaterThanOrEqual(86_400_000);
      expect(lag).toBeLessThan(6 * 86_400_000);
    }
  });

  it('can send chargebacks that carry only the id, a fixed delay after the fraud, as a card network feed does', () => {
    const options = simulationOptions({ seed: '3', customers: '400', terminals: '800', days: '30', 'chargeback-delay': '7d', 'chargeback-fields': 'id' }, geo);
    const idOnly = [...simulate(options)];
    const payments = new Map(idOnly.filter((e) => e.fraud).map((e) => [e.event.eventId, e.event]));
    const chargebacks = idOnly.filter((e) => e.event.type === 'chargeback').map((e) => e.event);
    expect(chargebacks.length).toBeGreaterThan(50);
    const validator = new EventValidator();
    for (const chargeback of chargebacks) {
      expect(Object.keys(chargeback).sort()).toEqual(['eventId', 'occurredAt', 'properties', 'type', 'userId']);
      expect(Object.keys(chargeback.properties ?? {})).toEqual(['originalEventId']);
      const payment = payments.get(chargeback.properties?.originalEventId as string)!;
      expect(Date.parse(chargeback.occurredAt) - Date.parse(payment.occurredAt)).toBe(7 * 86_400_000);
      expect(validator.validate(chargeback).ok).toBe(true);
    }
    expect(() => simulationOptions({ 'chargeback-fields': 'time' }, geo)).toThrow(/id always/);
    expect(() => simulationOptions({ 'chargeback-delay': 'a week' }, geo)).toThrow(/7d, 36h or 90m/);
  });

  it('gives each customer IPs that geolocate to one home country, and takeovers another', () => {
    const countryOf = (ip: string) => {
      const found = geo.lookup(ip);
      return found.status === 'found' ? found.location.country : null;
    };
    const homes = new Map<string, Set<string | null>>();
    for (const { event, fraud } of events) {
      if (!event.ip || fraud === 'account_takeover' || event.deviceId?.startsWith('dev-x')) continue;
      homes.set(event.userId, (homes.get(event.userId) ?? new Set()).add(countryOf(event.ip)));
    }
    expect([...homes.values()].every((countries) => countries.size === 1 && !countries.has(null))).toBe(true);
    const takeover = events.find((e) => e.fraud === 'account_takeover')!.event;
    expect(countryOf(takeover.ip!)).not.toEqual([...homes.get(takeover.userId)!][0]);
  });
});
