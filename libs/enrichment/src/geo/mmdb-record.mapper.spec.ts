import { toGeoLocation } from './mmdb-record.mapper';

describe('toGeoLocation', () => {
  it('reads the GeoIP2 / GeoLite2 City layout', () => {
    const record = {
      city: { geoname_id: 2643743, names: { en: 'London', de: 'London' } },
      country: { iso_code: 'GB', names: { en: 'United Kingdom' } },
      location: { latitude: 51.5142, longitude: -0.0931, accuracy_radius: 10 },
      subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }],
    };
    expect(toGeoLocation(record)).toEqual({ country: 'GB', region: 'England', city: 'London', latitude: 51.5142, longitude: -0.0931 });
  });

  it('falls back to the registered country when the country is missing (anycast, satellite)', () => {
    expect(toGeoLocation({ registered_country: { iso_code: 'US' }, location: { latitude: 37.751, longitude: -97.822 } })).toEqual({
      country: 'US',
      region: null,
      city: null,
      latitude: 37.751,
      longitude: -97.822,
    });
  });

  it('reads the flat ip-location-db layout, empty strings as unknown', () => {
    expect(
      toGeoLocation({
        city: 'Sydney',
        country_code: 'AU',
        latitude: -33.8688,
        longitude: 151.209,
        postcode: '',
        state1: 'New South Wales',
        state2: '',
        timezone: '',
      }),
    ).toEqual({
      country: 'AU',
      region: 'New South Wales',
      city: 'Sydney',
      latitude: -33.8688,
      longitude: 151.209,
    });
  });

  it.each([null, undefined, 'GB', 42])('has nothing to say about %j', (record) => expect(toGeoLocation(record)).toBeNull());
});
