import { eventIn } from '@app/testing/builders';
import type { GeoResult } from '../geo/geo-location';
import type { Enrichment } from './enrichment-step';
import { geoStep } from './geo.step';

const event = (ip?: string) => eventIn({ ip });
const empty = (): Enrichment => ({ geo: null, ua: null, merchant: null, flags: [] });
const london = { country: 'GB', region: 'England', city: 'London', latitude: 51.5, longitude: -0.1 };

describe('geoStep', () => {
  const answers: Record<string, GeoResult> = {
    '81.2.69.142': { status: 'found', location: london },
    '10.0.0.1': { status: 'private' },
    x: { status: 'invalid' },
    '8.8.8.8': { status: 'not_found' },
  };
  const step = geoStep({ lookup: (ip) => answers[ip] });

  it.each([
    ['81.2.69.142', london, []],
    [undefined, null, ['ip_missing']],
    ['10.0.0.1', null, ['ip_private']],
    ['x', null, ['ip_invalid']],
    ['8.8.8.8', null, ['geo_not_found']],
  ])('places %s', (ip, geo, flags) => {
    const enrichment = empty();
    step.apply(event(ip), enrichment, undefined);
    expect(enrichment).toEqual({ ...empty(), geo, flags });
  });

  it('flags a failing database and lets the event go on', () => {
    const enrichment = empty();
    geoStep({
      lookup: () => {
        throw new Error('corrupt file');
      },
    }).apply(event('81.2.69.142'), enrichment, undefined);
    expect(enrichment).toEqual({ ...empty(), flags: ['geo_unavailable'] });
  });
});
