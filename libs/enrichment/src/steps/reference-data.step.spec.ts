import type { EventIn } from '@app/contracts';
import type { ReferenceFacts, ReferenceQuery } from '../reference-data/reference-data.reader';
import type { Enrichment } from './enrichment-step';
import { referenceDataStep } from './reference-data.step';

const empty = (): Enrichment => ({ geo: null, ua: null, merchant: null, flags: [] });
const nothing: ReferenceFacts = { merchant: null, ipDenied: false, deviceDenied: false, emailDomainDenied: false };
const payment: EventIn = {
  type: 'transaction',
  userId: 'u1',
  occurredAt: '2026-01-01T00:00:00Z',
  merchantId: 'm1',
  ip: '::FFFF:81.2.69.142',
  deviceId: 'd1',
  properties: { email: 'Ann@Example.COM' },
};

describe('referenceDataStep', () => {
  it("asks the reader once for the batch, with each event's merchant, address, device and e-mail domain", async () => {
    const asked: ReferenceQuery[][] = [];
    const step = referenceDataStep({ lookup: async (queries) => (asked.push([...queries]), queries.map(() => nothing)) });
    await step.lookup?.([payment, { type: 'login', userId: 'u2', occurredAt: '2026-01-01T00:00:00Z' }]);
    expect(asked).toEqual([
      [
        { merchantId: 'm1', ip: '::FFFF:81.2.69.142', deviceId: 'd1', emailDomain: 'example.com' },
        { merchantId: undefined, ip: undefined, deviceId: undefined, emailDomain: undefined },
      ],
    ]);
  });

  it('adds the merchant and flags what the deny-lists hold', () => {
    const enrichment = empty();
    referenceDataStep(null).apply(payment, enrichment, {
      merchant: { category: 'travel', riskTier: 'high' },
      ipDenied: true,
      deviceDenied: true,
      emailDomainDenied: true,
    });
    expect(enrichment).toEqual({
      ...empty(),
      merchant: { category: 'travel', riskTier: 'high' },
      flags: ['ip_denylisted', 'device_denylisted', 'email_domain_denylisted'],
    });
  });

  it('flags a merchant it does not know, and reference data it could not read', () => {
    const unknown = empty();
    referenceDataStep(null).apply(payment, unknown, nothing);
    expect(unknown.flags).toEqual(['merchant_unknown']);
    const unavailable = empty();
    referenceDataStep(null).apply(payment, unavailable, undefined);
    expect(unavailable).toEqual({ ...empty(), flags: ['reference_unavailable'] });
  });

  it('has no lookup offline', () => {
    expect(referenceDataStep(null).lookup).toBeUndefined();
  });
});
