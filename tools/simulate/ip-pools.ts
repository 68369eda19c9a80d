import type { GeoLookup } from '@app/enrichment';
import { Random } from './random';

/**
 * Public IPv4 addresses by country, found by asking the geo database ingest uses about random
 * addresses, so simulated events geolocate where the simulation says they are. Keeps the
 * `countries` countries with the most hits, `perCountry` addresses each.
 */
export function buildIpPools(geo: GeoLookup, seed: number, countries = 12, perCountry = 400): Map<string, string[]> {
  const random = new Random(seed ^ 0x5eed);
  const found = new Map<string, string[]>();
  for (let tries = 0; tries < 200_000; tries++) {
    const n = Math.floor(random.next() * 2 ** 32) >>> 0;
    const ip = `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    const result = geo.lookup(ip);
    if (result.status !== 'found' || !result.location.country || result.location.latitude === null) continue;
    const list = found.get(result.location.country) ?? [];
    if (list.length < perCountry) list.push(ip);
    found.set(result.location.country, list);
    const full = [...found.values()].filter((l) => l.length >= perCountry).length;
    if (full >= countries) break;
  }
  const top = [...found].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])).slice(0, countries);
  return new Map(top);
}
