import { resolveChargeback, type TransactionFacts } from './chargeback-resolution';
import type { FeatureEvent } from './feature-event';
import { FeatureReplay } from './feature-replay';
import { DAY, HOUR, MINUTE } from './windows';

const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);
const HORIZON = 120 * DAY;
const config = { graceMs: 10 * MINUTE, labelDelayMs: 7 * DAY, disputeHorizonMs: HORIZON };

let ids = 0;
function transaction(over: Partial<FeatureEvent> = {}): FeatureEvent {
  return {
    eventId: `t${ids++}`,
    type: 'transaction',
    userId: 'u1',
    time: T0,
    amount: 42.5,
    merchantId: 'm1',
    deviceId: null,
    ip: null,
    country: null,
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

/** A chargeback as featureEventOf reads one: claimed facts in `dispute`, disputedAt the claimed or its own time. */
function chargeback(originalId: string, time: number, claimed: { at?: number; amount?: number; merchantId?: string } = {}, userId = 'u1'): FeatureEvent {
  return {
    ...transaction({ eventId: `c${ids++}`, type: 'chargeback', userId, time, amount: claimed.amount ?? 0, merchantId: claimed.merchantId ?? null }),
    disputedAt: claimed.at ?? time,
    dispute: {
      eventId: originalId,
      claimedAt: claimed.at ?? null,
      claimedAmount: claimed.amount ?? null,
      claimedMerchantId: claimed.merchantId ?? null,
      flags: [],
    },
  };
}

const facts = (over: Partial<TransactionFacts> = {}): TransactionFacts => ({ time: T0, userId: 'u1', merchantId: 'm1', amount: 42.5, ...over });

describe('resolveChargeback', () => {
  it("counts a chargeback that carries only the id at its transaction's time, for its transaction's merchant", () => {
    const c = chargeback('t-1', T0 + 7 * DAY);
    resolveChargeback(c, facts(), HORIZON);
    expect(c).toMatchObject({ disputedAt: T0, merchantId: 'm1', dispute: { flags: [] } });
  });

  it('flags each fact the chargeback claims that the transaction contradicts, and still counts it at the transaction', () => {
    const c = chargeback('t-1', T0 + 7 * DAY, { at: T0 + HOUR, amount: 10, merchantId: 'm9' }, 'u2');
    resolveChargeback(c, facts(), HORIZON);
    expect(c.disputedAt).toBe(T0);
    expect(c.merchantId).toBe('m1');
    expect(c.dispute?.flags).toEqual(['chargeback_user_mismatch', 'chargeback_merchant_mismatch', 'chargeback_amount_mismatch', 'chargeback_time_mismatch']);
  });

  it('accepts claimed facts that agree to the cent and the second', () => {
    const c = chargeback('t-1', T0 + DAY, { at: T0 + 400, amount: 42.504, merchantId: 'm1' });
    resolveChargeback(c, facts(), HORIZON);
    expect(c.dispute?.flags).toEqual([]);
  });

  it('counts an unknown original at the claimed time, else at its own time, flagged unmatched', () => {
    const claimed = chargeback('gone', T0 + 7 * DAY, { at: T0, merchantId: 'm3' });
    resolveChargeback(claimed, undefined, HORIZON);
    expect(claimed).toMatchObject({ disputedAt: T0, merchantId: 'm3', dispute: { flags: ['chargeback_unmatched'] } });
    const bare = chargeback('gone', T0 + 7 * DAY);
    resolveChargeback(bare, undefined, HORIZON);
    expect(bare).toMatchObject({ disputedAt: T0 + 7 * DAY, merchantId: null, dispute: { flags: ['chargeback_unmatched'] } });
  });

  it('treats a transaction more than the horizon before the chargeback as unknown, by event time', () => {
    const late = chargeback('t-1', T0 + HORIZON + 1);
    resolveChargeback(late, facts(), HORIZON);
    expect(late.dispute?.flags).toEqual(['chargeback_unmatched']);
    const inTime = chargeback('t-1', T0 + HORIZON);
    resolveChargeback(inTime, facts(), HORIZON);
    expect(inTime.dispute?.flags).toEqual([]);
  });

  it('counts a transaction once however many chargebacks name it: a second one is flagged a repeat and counts nowhere', () => {
    const original = facts();
    const first = chargeback('t-1', T0 + 7 * DAY);
    resolveChargeback(first, original, HORIZON);
    expect(original.disputedBy).toBe(first.eventId);
    const second = chargeback('t-1', T0 + 30 * DAY, { amount: 42.5 });
    resolveChargeback(second, original, HORIZON);
    expect(second).toMatchObject({ disputedAt: null, merchantId: 'm1', dispute: { flags: ['chargeback_repeat'] } });
    // The first chargeback resolved again (a retried batch, a replay) is still the one that counts.
    resolveChargeback(first, original, HORIZON);
    expect(first).toMatchObject({ disputedAt: T0, dispute: { flags: [] } });
  });

  it('gives the same result when run again on the same chargeback (a retried batch)', () => {
    const c = chargeback('t-1', T0 + 7 * DAY, { merchantId: 'm9' });
    resolveChargeback(c, facts(), HORIZON);
    const first = structuredClone(c);
    resolveChargeback(c, facts(), HORIZON);
    expect(c).toEqual(first);
  });
});

describe('FeatureReplay', () => {
  const names = ['merchant.fraud_rate.1d', 'merchant.labelled_tx_count.1d'];

  it("puts an id-only chargeback's fraud in its transaction's merchant window, as the label delay expects", () => {
    const replay = new FeatureReplay(names, config);
    const paid = transaction({ time: T0 });
    replay.process(paid);
    replay.process(transaction({ time: T0 + MINUTE }));
    // The chargeback names the payment by id alone, exactly a week later, without its merchant.
    replay.process(chargeback(paid.eventId, T0 + 7 * DAY));
    const probe = replay.process(transaction({ userId: 'u2', time: T0 + 7 * DAY + HOUR }));
    expect(probe.values).toEqual([0.5, 2]);
  });

  it("counts a transaction's fraud once in its merchant's window when two chargebacks name it", () => {
    const replay = new FeatureReplay(names, config);
    const paid = transaction({ time: T0 });
    replay.process(paid);
    replay.process(transaction({ time: T0 + MINUTE }));
    replay.process(chargeback(paid.eventId, T0 + 7 * DAY));
    replay.process(chargeback(paid.eventId, T0 + 7 * DAY + MINUTE));
    const probe = replay.process(transaction({ userId: 'u2', time: T0 + 7 * DAY + HOUR }));
    expect(probe.values).toEqual([0.5, 2]);
  });

  it('reads merchant features as missing for a transaction without a merchant, and counts no merchant for it', () => {
    const replay = new FeatureReplay(names, config);
    const shop = replay.process(transaction({ merchantId: null }));
    expect(shop.values.every(Number.isNaN)).toBe(true);
    expect(shop.fate).toBe('applied');
  });

  it('forgets transactions a horizon behind the latest event time', () => {
    const replay = new FeatureReplay(names, config);
    const old = transaction({ time: T0 });
    replay.process(old);
    replay.process(transaction({ time: T0 + HORIZON + DAY }));
    expect(replay.transactions.lookup(old.eventId)).toBeUndefined();
    expect(replay.transactions.size).toBe(1);
  });
});
