import { WebhookTargetPolicy } from './webhook-target.policy';

const dns: Record<string, string[]> = {
  localhost: ['127.0.0.1'],
  'hooks.example.com': ['93.184.216.34'],
  'sneaky.example.com': ['93.184.216.34', '10.0.0.5'],
  'intranet.example.com': ['192.168.1.10'],
};
const resolve = async (host: string) => {
  if (!dns[host]) throw new Error('ENOTFOUND');
  return dns[host];
};

describe('WebhookTargetPolicy', () => {
  const strict = new WebhookTargetPolicy([], resolve);

  it('allows public http(s) targets', async () => {
    expect(await strict.problem('https://hooks.example.com/fraud')).toBeUndefined();
    expect(await strict.problem('http://93.184.216.34:8080/x')).toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1:9000/hook', /127\.0\.0\.1, a private or reserved address/],
    ['http://[::1]/hook', /::1, a private/],
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254/],
    ['https://intranet.example.com/', /192\.168\.1\.10/],
    ['https://sneaky.example.com/', /10\.0\.0\.5/],
    ['ftp://hooks.example.com/', /must be an http\(s\) URL/],
    ['https://user:pw@hooks.example.com/', /must not carry credentials/],
    ['https://nowhere.example.com/', /does not resolve/],
    ['not a url', /is not a URL/],
  ])('refuses %s', async (url, reason) => {
    expect(await strict.problem(url)).toMatch(reason);
  });

  it.each([
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::1]/',
    'http://[2001:0:7f00:1::1]/',
    'http://192.0.0.8/',
    'http://[fec0::1]/',
    'http://[::7f00:1]/',
    'http://198.18.0.1/',
    'http://[ff02::1]/',
  ])('refuses %s: a special-purpose address (NAT64, 6to4, Teredo, IPv4-compatible, site-local, benchmarking, multicast)', async (url) =>
    expect(await strict.problem(url)).toMatch(/a private or reserved address/),
  );

  it('gives the checked addresses to connect to, so a name cannot point elsewhere between check and call', async () => {
    expect(await strict.target('https://hooks.example.com/fraud')).toEqual({ addresses: ['93.184.216.34'] });
    expect(await strict.target('http://[2606:4700::1111]/x')).toEqual({ addresses: ['2606:4700::1111'] });
    expect(await strict.target('https://sneaky.example.com/')).toEqual({ problem: expect.stringMatching(/10\.0\.0\.5/) as string });
  });

  it('lets the allow-list name hosts, addresses and ranges', async () => {
    const local = new WebhookTargetPolicy(['localhost', '127.0.0.0/8', '::1', 'intranet.example.com'], resolve);
    expect(await local.problem('http://localhost:3999/hook')).toBeUndefined();
    expect(await local.problem('http://127.0.0.1:3999/hook')).toBeUndefined();
    expect(await local.problem('http://[::1]:3999/hook')).toBeUndefined();
    expect(await local.problem('https://intranet.example.com/')).toBeUndefined();
    expect(await local.problem('http://10.1.1.1/')).toMatch(/private/);
  });
});
