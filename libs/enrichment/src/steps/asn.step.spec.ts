import { eventIn } from '@app/testing/builders';
import type { AsnResult } from '../asn/asn-lookup';
import { asnStep } from './asn.step';
import type { Enrichment } from './enrichment-step';

const event = (ip?: string) => eventIn({ ip });
const empty = (): Enrichment => ({ geo: null, ua: null, merchant: null, flags: [] });

describe('asnStep', () => {
  const answers: Record<string, AsnResult> = {
    '81.2.69.142': { status: 'found', asn: { number: 20712, organization: 'Andrews & Arnold Ltd' } },
    '8.8.8.8': { status: 'not_found' },
  };
  const step = asnStep({ lookup: (ip) => answers[ip] });

  it.each([
    ['81.2.69.142', { number: 20712, organization: 'Andrews & Arnold Ltd' }],
    ['8.8.8.8', null],
    [undefined, null],
  ])('gives %s the network %j, and no flag of its own', (ip, asn) => {
    const enrichment = empty();
    step.apply(event(ip), enrichment, undefined);
    expect(enrichment).toEqual({ ...empty(), asn });
  });

  it('leaves the ASN null when the file fails', () => {
    const enrichment = empty();
    asnStep({
      lookup: () => {
        throw new Error('corrupt file');
      },
    }).apply(event('81.2.69.142'), enrichment, undefined);
    expect(enrichment).toEqual({ ...empty(), asn: null });
  });
});
