import { ReferenceDataCache, type ReferenceCacheCounts, type ReferenceFetch } from './reference-data.cache';
import type { DatasetAnswers, DatasetMembers, MerchantFacts } from './reference-data.reader';

/** Reference data as Redis would answer it, counting what it is asked. */
class Datasets implements ReferenceFetch {
  merchants = new Map<string, MerchantFacts>([['m-1', { category: 'books', riskTier: 'low' }]]);
  denyIps = new Set(['203.0.113.9']);
  asked: DatasetMembers[] = [];
  /** Resolves a fetch only when let go, to change things while it is in flight. */
  hold: Promise<void> | null = null;

  async fetch(members: DatasetMembers): Promise<DatasetAnswers> {
    this.asked.push(members);
    const answers: DatasetAnswers = {
      ...(members.merchants && { merchants: members.merchants.map((id) => this.merchants.get(id) ?? null) }),
      ...(members.denyIps && { denyIps: members.denyIps.map((ip) => this.denyIps.has(ip)) }),
      ...(members.denyDevices && { denyDevices: members.denyDevices.map(() => false) }),
      ...(members.denyEmailDomains && { denyEmailDomains: members.denyEmailDomains.map(() => false) }),
    };
    await this.hold;
    return answers;
  }
}

const payment = { merchantId: 'm-1', ip: '203.0.113.9', deviceId: 'd-1', emailDomain: 'example.com' };
const paymentFacts = { merchant: { category: 'books', riskTier: 'low' }, ipDenied: true, deviceDenied: false, emailDomainDenied: false };

describe('ReferenceDataCache', () => {
  let source: Datasets;
  let counts: ReferenceCacheCounts[];
  let cache: ReferenceDataCache;
  beforeEach(() => {
    source = new Datasets();
    counts = [];
    cache = new ReferenceDataCache(source, 100, (c) => counts.push(c));
  });

  it('asks nothing for a batch whose every answer it holds, answers of "not there" too', async () => {
    cache.trust();
    const unknown = { merchantId: 'm-9', ip: '198.51.100.1' };
    expect(await cache.lookup([payment, unknown])).toEqual([paymentFacts, { merchant: null, ipDenied: false, deviceDenied: false, emailDomainDenied: false }]);
    expect(await cache.lookup([unknown, payment])).toEqual([{ merchant: null, ipDenied: false, deviceDenied: false, emailDomainDenied: false }, paymentFacts]);
    expect(source.asked).toHaveLength(1);
    expect(counts).toEqual([
      { cached: 0, fetched: 2 },
      { cached: 2, fetched: 0 },
    ]);
  });

  it('asks only for what it lacks, each member once, and nothing for an event without one', async () => {
    cache.trust();
    await cache.lookup([payment]);
    expect(await cache.lookup([{ merchantId: 'm-1', ip: '192.0.2.5' }, { ip: '192.0.2.5' }, {}])).toEqual([
      { ...paymentFacts, ipDenied: false },
      { merchant: null, ipDenied: false, deviceDenied: false, emailDomainDenied: false },
      { merchant: null, ipDenied: false, deviceDenied: false, emailDomainDenied: false },
    ]);
    expect(source.asked[1]).toEqual({ denyIps: ['192.0.2.5'] });
    expect(counts[1]).toEqual({ cached: 1, fetched: 2 });
  });

  it('keeps nothing until trusted, and nothing once distrusted', async () => {
    await cache.lookup([payment]);
    await cache.lookup([payment]);
    expect(source.asked).toHaveLength(2);
    cache.trust();
    await cache.lookup([payment]);
    await cache.lookup([payment]);
    expect(source.asked).toHaveLength(3);
    cache.distrust();
    source.denyIps.clear();
    expect((await cache.lookup([payment]))[0].ipDenied).toBe(false);
    expect(source.asked).toHaveLength(4);
  });

  it('forgets a changed dataset whole and only it', async () => {
    cache.trust();
    await cache.lookup([payment]);
    source.denyIps.clear();
    cache.forget(['denyIps']);
    expect(await cache.lookup([payment])).toEqual([{ ...paymentFacts, ipDenied: false }]);
    expect(source.asked[1]).toEqual({ denyIps: ['203.0.113.9'] });
  });

  it('uses but does not keep an answer that a change crossed on its way', async () => {
    cache.trust();
    let release!: () => void;
    source.hold = new Promise((resolve) => (release = resolve));
    const inFlight = cache.lookup([payment]);
    cache.forget(['denyIps']);
    release();
    expect(await inFlight).toEqual([paymentFacts]);
    source.hold = null;
    await cache.lookup([payment]);
    expect(source.asked[1]).toEqual({ denyIps: ['203.0.113.9'] });
  });

  it('does not keep what was fetched before it was trusted, even if trusted by the answer', async () => {
    let release!: () => void;
    source.hold = new Promise((resolve) => (release = resolve));
    const inFlight = cache.lookup([payment]);
    cache.trust();
    release();
    await inFlight;
    source.hold = null;
    await cache.lookup([payment]);
    expect(source.asked).toHaveLength(2);
  });

  it('holds at most its bound per dataset, the least recently used going first', async () => {
    cache = new ReferenceDataCache(source, 2);
    cache.trust();
    await cache.lookup([{ ip: '192.0.2.1' }, { ip: '192.0.2.2' }, { ip: '192.0.2.3' }]);
    await cache.lookup([{ ip: '192.0.2.2' }, { ip: '192.0.2.3' }]);
    expect(source.asked).toHaveLength(1);
    await cache.lookup([{ ip: '192.0.2.1' }]);
    expect(source.asked[1]).toEqual({ denyIps: ['192.0.2.1'] });
  });
});
