import { MmdbLookup, type IpMiss } from '../mmdb/mmdb-lookup';

/** The network an address belongs to: its autonomous system's number and the organisation that runs it. */
export interface AutonomousSystem {
  number: number;
  organization: string | null;
}

export type AsnResult = { status: 'found'; asn: AutonomousSystem } | IpMiss;

/**
 * Reads a record of either layout: MaxMind's GeoLite2-ASN and DB-IP's ASN Lite (autonomous_system_number,
 * autonomous_system_organization) or IPinfo's (asn "AS15169", as_name).
 */
export function toAutonomousSystem(record: unknown): AutonomousSystem | null {
  if (!record || typeof record !== 'object') return null;
  const r = record as { autonomous_system_number?: unknown; autonomous_system_organization?: unknown; asn?: unknown; as_name?: unknown };
  const number =
    typeof r.autonomous_system_number === 'number'
      ? r.autonomous_system_number
      : typeof r.asn === 'string' && /^AS\d+$/i.test(r.asn)
        ? Number(r.asn.slice(2))
        : null;
  if (number === null || !Number.isSafeInteger(number)) return null;
  const organization = r.autonomous_system_organization ?? r.as_name;
  return { number, organization: typeof organization === 'string' && organization.length > 0 ? organization : null };
}

function found(record: unknown): AsnResult | null {
  const asn = toAutonomousSystem(record);
  return asn ? { status: 'found', asn } : null;
}

/** IP address to autonomous system from MaxMind-format ASN files (GeoLite2-ASN, DB-IP ASN Lite, IPinfo Lite). */
export class AsnLookup {
  private constructor(private readonly files: MmdbLookup<AsnResult>) {}

  static async open(files: string[], cacheSize = 50_000): Promise<AsnLookup> {
    return new AsnLookup(await MmdbLookup.open(files, found, 'ASN database', cacheSize));
  }

  lookup(ip: string): AsnResult {
    return this.files.lookup(ip);
  }
}
