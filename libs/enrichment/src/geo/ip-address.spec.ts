import { classifyIp } from './ip-address';

describe('classifyIp', () => {
  it.each(['8.8.8.8', '81.2.69.142', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is public', (ip) => expect(classifyIp(ip)).toBe('public'));
  it.each(['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '224.0.0.1', '203.0.113.9', '::1', 'fd00::1', 'fe80::1', '2001:db8::1', '::ffff:10.0.0.1'])(
    '%s is private',
    (ip) => expect(classifyIp(ip)).toBe('private'),
  );
  it.each(['', 'localhost', '999.1.1.1', '1.2.3', '1.2.3.4.5', '::g', ' 8.8.8.8'])('%j is invalid', (ip) => expect(classifyIp(ip)).toBe('invalid'));
  it('keeps 172.32.0.0 public: only 172.16/12 is private', () => expect(classifyIp('172.32.0.1')).toBe('public'));
});
