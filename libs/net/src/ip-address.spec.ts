import { canonicalIp, classifyIp } from './ip-address';

describe('classifyIp', () => {
  it.each(['8.8.8.8', '81.2.69.142', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is public', (ip) => expect(classifyIp(ip)).toBe('public'));
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '203.0.113.9',
    '::1',
    'fd00::1',
    'fe80::1',
    '2001:db8::1',
    '::ffff:10.0.0.1',
  ])('%s is private', (ip) => expect(classifyIp(ip)).toBe('private'));
  // The special-purpose ranges a webhook must not reach, each with an address in it.
  it.each([
    ['NAT64', '64:ff9b::7f00:1'],
    ['NAT64 local-use', '64:ff9b:1::a00:1'],
    ['6to4', '2002:7f00:1::1'],
    ['Teredo', '2001:0:7f00:1::1'],
    ['IPv4-compatible', '::7f00:1'],
    ['IPv4-translated', '::ffff:0:7f00:1'],
    ['site-local', 'fec0::1'],
    ['IETF protocol assignments', '192.0.0.8'],
    ['benchmarking', '198.18.0.1'],
    ['benchmarking (IPv6)', '2001:2::1'],
    ['multicast (IPv6)', 'ff02::1'],
    ['reserved', '240.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['unspecified (IPv6)', '::'],
    ['discard-only', '100::1'],
    ['ORCHIDv2', '2001:20::1'],
  ])('%s (%s) is private', (_, ip) => expect(classifyIp(ip)).toBe('private'));
  it.each(['', 'localhost', '999.1.1.1', '1.2.3', '1.2.3.4.5', '::g', ' 8.8.8.8'])('%j is invalid', (ip) => expect(classifyIp(ip)).toBe('invalid'));
  it('keeps 172.32.0.0 public: only 172.16/12 is private', () => expect(classifyIp('172.32.0.1')).toBe('public'));
});

describe('canonicalIp', () => {
  it.each([
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8::0001', '2001:db8::1'],
    ['::FFFF:81.2.69.142', '81.2.69.142'],
    ['81.2.69.142', '81.2.69.142'],
    ['not an address', 'not an address'],
  ])('writes %s as %s', (ip, canonical) => expect(canonicalIp(ip)).toBe(canonical));
});
