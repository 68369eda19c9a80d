import { FeatureEngine } from './feature-engine';
import type { FeatureEvent } from './feature-event';
import { MerchantState } from './merchant-state';
import { UserState } from './user-state';
import { encodeSnapshot } from './user-state.codec';
import { DAY, HOUR, MINUTE } from './windows';

const T0 = Date.UTC(2026, 10, 2, 12, 0, 0); // a Monday, noon UTC
const config = { graceMs: 10 * MINUTE, labelDelayMs: 7 * DAY, disputeHorizonMs: 120 * DAY };

let ids = 0;
function event(over: Partial<FeatureEvent> & { time: number }): FeatureEvent {
  return {
    eventId: `e${ids++}`,
    type: 'transaction',
    userId: 'u1',
    amount: 10,
    merchantId: 'm1',
    deviceId: 'd1',
    ip: '1.1.1.1',
    country: 'FR',
    latitude: null,
    longitude: null,
    isBot: false,
    ipDenylisted: false,
    deviceDenylisted: false,
    disputedAt: null,
    dispute: null,
    ...over,
  };
}

function run(names: string[], events: FeatureEvent[], user = new UserState(), merchant: MerchantState | null = new MerchantState()) {
  const engine = new FeatureEngine(names, config);
  return events.map((e) => engine.process(e, user, merchant));
}

describe('FeatureEngine windows', () => {
  it('counts the event itself and those in the same and preceding buckets of the window', () => {
    const out = run(
      ['user.tx_count.10m', 'user.tx_amount_sum.10m', 'user.tx_amount_mean.10m'],
      [event({ time: T0, amount: 10 }), event({ time: T0 + 5 * MINUTE, amount: 30 })],
    );
    expect(out.map((o) => o.values)).toEqual([
      [1, 10, 10],
      [2, 40, 20],
    ]);
  });

  it('drops a bucket exactly when the window moves past it (10 one-minute buckets)', () => {
    const out = run(
      ['user.tx_count.10m'],
      [
        event({ time: T0 + 59_999 }), // bucket b
        event({ time: T0 + 9 * MINUTE + 59_999 }), // bucket b+9: window b..b+9 still holds the first
        event({ time: T0 + 10 * MINUTE }), // bucket b+10: window b+1..b+10 does not
      ],
    );
    expect(out.map((o) => o.values[0])).toEqual([1, 2, 2]);
  });

  it('puts an out-of-order event within the grace into its own buckets', () => {
    const out = run(
      ['user.tx_count.1h', 'user.tx_count.10m'],
      [
        event({ time: T0 + 30 * MINUTE }),
        event({ time: T0 + 22 * MINUTE }), // 8 minutes behind: within the 10 minute grace
        event({ time: T0 + 31 * MINUTE }),
      ],
    );
    expect(out.map((o) => o.fate)).toEqual(['applied', 'applied', 'applied']);
    expect(out[1].values).toEqual([1, 1]); // its windows end with minute 22: the 30th minute is after them
    expect(out[2].values).toEqual([3, 3]);
  });

  it('flags an event older than the grace as late and leaves the windows alone', () => {
    const user = new UserState();
    const out = run(['user.tx_count.1d'], [event({ time: T0 }), event({ time: T0 - 11 * MINUTE }), event({ time: T0 + MINUTE })], user);
    expect(out.map((o) => o.fate)).toEqual(['applied', 'late', 'applied']);
    expect(out[2].values[0]).toBe(2);
  });

  it('applies a copy of a recent event (same id, published twice) only once, even after a reload', () => {
    const user = new UserState();
    const merchant = new MerchantState();
    const first = event({ time: T0 });
    const out = run(['user.tx_count.1d', 'merchant.tx_count.1d'], [first, event({ time: T0 + MINUTE }), { ...first }], user, merchant);
    expect(out.map((o) => o.fate)).toEqual(['applied', 'applied', 'duplicate']);
    expect(out[2].values).toEqual([2, 2]);
    const reloaded = UserState.decode(user.storedForm().text, config.graceMs);
    expect(run(['user.tx_count.1d'], [{ ...first }], reloaded)[0].fate).toBe('duplicate');
  });

  it('recognises copies after reading a version 1 snapshot, which holds the ids themselves', () => {
    const user = new UserState();
    const first = event({ time: T0 });
    run(['user.tx_count.1d'], [first], user);
    const snapshot = encodeSnapshot(user);
    const legacy = snapshot.replace(/^\["v2",4,/, '[').replace(/,\[[\d,]*\]\]$/, `,${JSON.stringify([first.eventId])}]`);
    expect(legacy.startsWith('[')).toBe(true);
    expect(legacy.startsWith('["v2"')).toBe(false);
    expect(legacy).not.toBe(snapshot);
    const reloaded = UserState.decode(legacy, config.graceMs);
    expect(run(['user.tx_count.1d'], [{ ...first }, event({ time: T0 + MINUTE })], reloaded).map((o) => o.fate)).toEqual(['duplicate', 'applied']);
    expect(encodeSnapshot(reloaded)).toMatch(/,\[\d+,\d+\]\]$/); // stored again as hashes
  });

  it('uses hour buckets for 1d windows and day buckets for 7d windows', () => {
    const out = run(
      ['user.tx_count.1d', 'user.tx_count.7d'],
      [
        event({ time: T0 - 6 * DAY - 11 * HOUR }), // 01:00 six days ago: the first of the 7 day buckets
        event({ time: T0 - 23 * HOUR }), // 13:00 yesterday: the first of the 24 hour buckets ending at noon
        event({ time: T0 - 23 * HOUR - 1 }), // 12:59:59.999 yesterday: one hour bucket too early
        event({ time: T0 }),
      ],
    );
    expect(out[3].values).toEqual([2, 4]);
  });

  it('expires buckets by event time, so a replay sees the same windows as live traffic did', () => {
    const user = new UserState();
    run(['user.tx_count.30d'], [event({ time: T0 }), event({ time: T0 + 31 * DAY })], user);
    expect(user.buckets[2].has(Math.floor(T0 / DAY))).toBe(false);
    expect(user.buckets[2].has(Math.floor((T0 + 31 * DAY) / DAY))).toBe(true);
  });
});

describe('FeatureEngine facts about the past', () => {
  it('measures seconds since the previous event, also for an event that arrives out of order', () => {
    const out = run(['user.seconds_since_prev'], [event({ time: T0 }), event({ time: T0 + 120_000 }), event({ time: T0 + 60_000 })]);
    expect(out.map((o) => o.values[0])).toEqual([30 * 86_400, 120, 60]);
  });

  it('measures geo velocity between consecutive located events (Paris to New York in an hour)', () => {
    const out = run(
      ['user.geo_velocity_kmh'],
      [
        event({ time: T0, latitude: 48.8566, longitude: 2.3522 }),
        event({ time: T0 + 30 * MINUTE }), // no location: skipped as a reference
        event({ time: T0 + HOUR, latitude: 40.7128, longitude: -74.006 }),
      ],
    );
    expect(out[0].values[0]).toBe(0);
    expect(out[1].values[0]).toBe(0);
    expect(out[2].values[0]).toBeGreaterThan(5800);
    expect(out[2].values[0]).toBeLessThan(5900);
  });

  it('counts distinct countries, devices and IPs per window, and marks new ones', () => {
    const out = run(
      ['user.distinct_countries.1h', 'user.distinct_devices.1d', 'event.is_new_device', 'event.is_new_country'],
      [
        event({ time: T0, country: 'FR', deviceId: 'a' }),
        event({ time: T0 + 10 * MINUTE, country: 'FR', deviceId: 'b' }),
        event({ time: T0 + 20 * MINUTE, country: 'US', deviceId: 'a' }),
        event({ time: T0 + 2 * HOUR, country: 'US', deviceId: 'a' }),
      ],
    );
    expect(out.map((o) => o.values)).toEqual([
      [1, 1, 1, 1],
      [1, 2, 1, 0],
      [2, 2, 0, 1],
      [1, 2, 0, 0],
    ]);
  });

  it('answers distinct counts exactly for out-of-order events after the lists were pruned', () => {
    const user = new UserState();
    const out = run(
      ['user.distinct_countries.10m'],
      [
        event({ time: T0, country: 'FR' }),
        event({ time: T0 + 20 * MINUTE, country: 'FR' }),
        event({ time: T0 + 36 * MINUTE, country: 'FR' }), // horizon 26: minute 0 is pruned, minute 20 kept as the latest before it
        event({ time: T0 + 27 * MINUTE, country: 'DE' }), // within the grace; its window is minutes 18..27
      ],
      user,
    );
    expect(user.values.c.get('FR')).toEqual([T0 + 20 * MINUTE, T0 + 36 * MINUTE]);
    expect(out[3].values[0]).toBe(2); // FR (minute 20) and DE
  });
});

describe('FeatureEngine merchants', () => {
  it('computes fraud rates over a window that ends the label delay before the event', () => {
    const merchant = new MerchantState();
    const names = ['merchant.fraud_rate.1d', 'merchant.labelled_tx_count.1d', 'merchant.tx_count.1d'];
    const eightDaysAgo = T0 - 8 * DAY + HOUR;
    run(
      names,
      [event({ time: eightDaysAgo }), event({ time: eightDaysAgo + MINUTE }), event({ time: T0 - 2 * DAY, type: 'chargeback', disputedAt: eightDaysAgo })],
      new UserState(),
      merchant,
    );
    const [now] = run(names, [event({ time: T0, userId: 'u2' })], new UserState(), merchant);
    expect(now.values).toEqual([0.5, 2, 1]);
  });

  it('rejects unknown features and windows a tier cannot serve, naming each', () => {
    expect(() => new FeatureEngine(['user.tx_count.90m', 'user.nope', 'merchant.tx_count.10m'], config)).toThrow(
      /user\.tx_count\.90m.*user\.nope.*merchant\.tx_count\.10m/,
    );
  });
});

describe('UserState storage', () => {
  const names = [
    'user.tx_count.7d',
    'user.tx_count.10m',
    'user.tx_amount_sum.1d',
    'user.distinct_ips.1d',
    'user.seconds_since_prev',
    'user.geo_velocity_kmh',
    'event.is_new_device',
  ];
  const grace = config.graceMs;
  /** What Redis would hold after each write: a snapshot, then appended lines. */
  const store = (stored: string, form: { append: boolean; text: string }) => (form.append ? stored + form.text : form.text);

  it('appends a line per applied event, rewrites a snapshot past the log limit, and decodes to the same state', () => {
    const user = new UserState();
    let stored = '';
    const events = Array.from({ length: 10 }, (_, i) =>
      event({ time: T0 + i * 7 * MINUTE, amount: 10.05 + i, ip: `10.0.0.${i % 3}`, latitude: i, longitude: 2 }),
    );
    const forms: boolean[] = [];
    for (const e of events) {
      run(names, [e], user);
      expect(user.changed).toBe(true);
      const form = user.storedForm(4);
      expect(user.changed).toBe(false);
      forms.push(form.append);
      stored = store(stored, form);
    }
    expect(forms).toEqual([false, true, true, true, true, false, true, true, true, true]);
    expect(stored.split('\n')).toHaveLength(5);
    const copy = UserState.decode(stored, grace);
    const next = event({ time: T0 + 2 * HOUR, deviceId: 'd9', latitude: 3, longitude: 2, amount: 0.1 });
    const [a] = run(names, [next], user);
    const [b] = run(names, [next], copy);
    expect(b.values).toEqual(a.values);
    expect(encodeSnapshot(copy)).toBe(encodeSnapshot(user));
  });

  it('decodes nothing stored as a user never seen', () => {
    expect(UserState.decode(null, grace).watermark).toBe(Number.NEGATIVE_INFINITY);
    expect(UserState.decode('', grace).changed).toBe(false);
  });
});
