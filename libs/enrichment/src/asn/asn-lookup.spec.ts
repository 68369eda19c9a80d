import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mmdbFile } from '@app/testing';
import { AsnLookup, toAutonomousSystem } from './asn-lookup';

describe('AsnLookup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asn-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, networks: Parameters<typeof mmdbFile>[0]) => {
    const path = join(dir, name);
    writeFileSync(path, mmdbFile(networks));
    return path;
  };

  it('places an address in its network, from the first file that knows it', async () => {
    const maxmind = file('GeoLite2-ASN.mmdb', [
      { network: '81.2.69.0/24', record: { autonomous_system_number: 20712, autonomous_system_organization: 'Andrews & Arnold Ltd' } },
    ]);
    const ipinfo = file('ipinfo-lite.mmdb', [
      { network: '81.2.0.0/16', record: { asn: 'AS6939', as_name: 'Hurricane Electric LLC' } },
      { network: '1.1.1.0/24', record: { asn: 'AS13335', as_name: 'Cloudflare, Inc.' } },
    ]);
    const asns = await AsnLookup.open([maxmind, ipinfo]);
    expect(asns.lookup('81.2.69.142')).toEqual({ status: 'found', asn: { number: 20712, organization: 'Andrews & Arnold Ltd' } });
    expect(asns.lookup('81.2.1.1')).toEqual({ status: 'found', asn: { number: 6939, organization: 'Hurricane Electric LLC' } });
    expect(asns.lookup('::ffff:1.1.1.1')).toEqual({ status: 'found', asn: { number: 13335, organization: 'Cloudflare, Inc.' } });
    expect(asns.lookup('8.8.8.8')).toEqual({ status: 'not_found' });
    // An IPv4-only file is not asked an IPv6 address (it would answer for the address's first 32 bits).
    expect(asns.lookup('5102:4500::1')).toEqual({ status: 'not_found' });
    expect(asns.lookup('10.1.2.3')).toEqual({ status: 'private' });
    expect(asns.lookup('nope')).toEqual({ status: 'invalid' });
  });

  it('fails to open with a message naming the file', async () => {
    await expect(AsnLookup.open([join(dir, 'missing.mmdb')])).rejects.toThrow(`cannot open ASN database ${join(dir, 'missing.mmdb')}`);
  });

  it.each([
    [{ autonomous_system_number: 15169 }, { number: 15169, organization: null }],
    [
      { asn: 'as64500', as_name: '' },
      { number: 64500, organization: null },
    ],
    [{ asn: 'Google' }, null],
    [{ country: { iso_code: 'GB' } }, null],
    ['AS1', null],
  ])('reads %j as %j', (record, expected) => {
    expect(toAutonomousSystem(record)).toEqual(expected);
  });
});
