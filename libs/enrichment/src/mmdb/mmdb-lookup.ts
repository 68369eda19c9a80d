import { open, type Reader, type Response } from 'maxmind';
import { lru, type LRU } from 'tiny-lru';
import { classifyIp } from '@app/net';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Why an address has no answer: not public (nothing to look up), not an address, or not in any file. */
export type IpMiss = { status: 'private' | 'invalid' | 'not_found' };

/**
 * An IP address to what one or more MaxMind-format files (GeoIP2, GeoLite2, DB-IP, ip-location-db)
 * say of it, asked in order until one answers. `found` turns a file's record into the answer, or null
 * when the record says too little. Answers are cached: traffic repeats its addresses.
 */
export class MmdbLookup<Found> {
  private readonly cache: LRU<Found | IpMiss>;

  private constructor(
    private readonly readers: Reader<Response>[],
    private readonly found: (record: unknown) => Found | null,
    cacheSize: number,
  ) {
    this.cache = lru<Found | IpMiss>(cacheSize);
  }

  /** Opens every file; `what` names them in the error when one cannot be read ("geo database"). */
  static async open<Found>(files: string[], found: (record: unknown) => Found | null, what: string, cacheSize = 50_000): Promise<MmdbLookup<Found>> {
    if (files.length === 0) throw new Error(`a ${what} needs at least one MaxMind-format file`);
    const readers = await Promise.all(
      files.map((file) =>
        open(file).catch((error: Error) => {
          throw new Error(`cannot open ${what} ${file}: ${error.message}`);
        }),
      ),
    );
    return new MmdbLookup(readers, found, cacheSize);
  }

  lookup(ip: string): Found | IpMiss {
    const cached = this.cache.get(ip);
    if (cached) return cached;
    const result = this.resolve(ip);
    this.cache.set(ip, result);
    return result;
  }

  private resolve(ip: string): Found | IpMiss {
    const kind = classifyIp(ip);
    if (kind !== 'public') return { status: kind };
    // An IPv4-only file does not refuse an IPv6 address: it walks its tree with the address's first
    // 32 bits and answers for some unrelated IPv4 address. Only files of IPv6 ask IPv6 addresses.
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as dual-stack servers report IPv4 clients) is looked up as IPv4.
    const address = IPV4_MAPPED.exec(ip)?.[1] ?? ip;
    const family = address.includes(':') ? 6 : 4;
    for (const reader of this.readers) {
      if (reader.metadata.ipVersion < family) continue;
      let answer: Found | null;
      try {
        answer = this.found(reader.get(address));
      } catch {
        continue;
      }
      if (answer) return answer;
    }
    return { status: 'not_found' };
  }
}
