import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { ReferenceDataReader, REFERENCE_KEYS } from '@app/enrichment';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
// Its own database: a load replaces whole datasets, which ingest's tests (db 15) rely on.
const REDIS_URL = (process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15').replace(/\/\d+$/, '') + '/13';
const dir = mkdtempSync(join(tmpdir(), 'reference-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const load = (...args: string[]) =>
  run(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'tools/load-reference/load-reference.ts', '--redis', REDIS_URL, ...args],
    { cwd: root },
  );

describe('npm run load-reference', () => {
  const redis = new Redis(REDIS_URL);
  const repository = new ReferenceDataReader(redis);
  beforeEach(() => redis.del(...Object.values(REFERENCE_KEYS)));
  afterAll(() => redis.disconnect());

  it('loads merchants and deny-lists that ingest then reads', async () => {
    const out = await load(
      '--merchants',
      file('m.csv', 'merchantId,category,riskTier\nm-1,electronics,high\nm-2,grocery,low\n'),
      '--deny-ips',
      file('ips.csv', 'ip\n203.0.113.9\n2001:DB8::1\n'),
      '--deny-email-domains',
      file('d.csv', 'domain\nMailinator.com\n'),
    );
    expect(out.stdout).toContain('merchants: 2 loaded');
    expect(out.stdout).toContain('denyIps: 2 loaded');
    const [facts] = await repository.lookup([{ merchantId: 'm-1', ip: '203.0.113.9', emailDomain: 'mailinator.com' }]);
    expect(facts).toEqual({ merchant: { category: 'electronics', riskTier: 'high' }, ipDenied: true, deviceDenied: false, emailDomainDenied: true });
    expect(await redis.sismember(REFERENCE_KEYS.denyIps, '2001:db8::1')).toBe(1);
  });

  it('replaces a dataset whole: what the new file lacks is gone', async () => {
    await load('--merchants', file('a.csv', 'merchantId,category,riskTier\nm-old,books,low\n'));
    await load('--merchants', file('b.csv', 'merchantId,category,riskTier\nm-new,travel,medium\n'));
    expect(await redis.hkeys(REFERENCE_KEYS.merchants)).toEqual(['m-new']);
  });

  it('loads nothing from a file with an invalid row, naming the line, and leaves the live set and no temporary key', async () => {
    await load('--deny-ips', file('good.csv', 'ip\n198.51.100.7\n'));
    await expect(load('--deny-ips', file('bad.csv', 'ip\n192.0.2.1\nnot-an-ip\n192.0.2.3\n'))).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('line 3: ip "not-an-ip" is not valid'),
    });
    expect(await redis.smembers(REFERENCE_KEYS.denyIps)).toEqual(['198.51.100.7']);
    expect(await redis.keys('ref:*:loading:*')).toEqual([]);
  });

  it('skips invalid rows when told to, and says so', async () => {
    const out = await load('--skip-invalid', '--deny-devices', file('dev.csv', 'deviceId\nd-1\n bad id \nd-2\n'));
    expect(out.stdout).toMatch(/denyDevices: 2 loaded .* 1 invalid row\(s\) skipped \(first: line 3/);
    expect((await redis.smembers(REFERENCE_KEYS.denyDevices)).sort()).toEqual(['d-1', 'd-2']);
  });
});
