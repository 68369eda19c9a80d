import { MerchantIncrementLedger } from './merchant-increment-ledger';

describe('MerchantIncrementLedger', () => {
  const increments = (count: number) => new Map([['m1', [['t:d100', count] as const]]]);

  it('adds to a read the increments whose write had not gone out when the read did', () => {
    const ledger = new MerchantIncrementLedger();
    const before = ledger.taken(increments(1));
    ledger.writeSent(before);
    const read = ledger.readSent();
    const sentAfter = ledger.taken(increments(2));
    ledger.taken(increments(4)); // not sent yet
    ledger.writeSent(sentAfter);
    ledger.settled(sentAfter, true); // stored, but after the read: the read still misses it
    expect(ledger.withMissed(read, 'm1', { 't:d100': '10', 't:h7': '3' })).toEqual({ 't:d100': '16', 't:h7': '3' });
    expect(ledger.withMissed(read, 'm2', { 't:d100': '5' })).toEqual({ 't:d100': '5' });
  });

  it('adds nothing of a failed write, and forgets stored writes every read in flight includes', () => {
    const ledger = new MerchantIncrementLedger();
    const failed = ledger.taken(increments(1));
    ledger.writeSent(failed);
    ledger.settled(failed, false);
    const stored = ledger.taken(increments(2));
    ledger.writeSent(stored);
    ledger.settled(stored, true); // no read in flight: forgotten
    const read = ledger.readSent();
    expect(ledger.withMissed(read, 'm1', {})).toEqual({});
    ledger.readDone(read);
  });

  it('keeps a stored write while a read sent before it is in flight', () => {
    const ledger = new MerchantIncrementLedger();
    const early = ledger.readSent();
    const entry = ledger.taken(increments(3));
    ledger.writeSent(entry);
    ledger.settled(entry, true);
    const late = ledger.readSent();
    expect(ledger.withMissed(late, 'm1', { 't:d100': '3' })).toEqual({ 't:d100': '3' });
    expect(ledger.withMissed(early, 'm1', {})).toEqual({ 't:d100': '3' });
    ledger.readDone(early);
    expect(ledger.withMissed(early, 'm1', {})).toEqual({});
  });
});
