import type { GeoLocation } from './geo-location';

type Names = { names?: Record<string, string> };
interface GeoIp2Record {
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  subdivisions?: Names[];
  city?: Names;
  location?: { latitude?: number; longitude?: number };
}
interface FlatRecord {
  country_code?: string;
  state1?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * Reads a record of either MaxMind-format layout into a GeoLocation: MaxMind's GeoIP2/GeoLite2
 * (nested: country.iso_code, city.names.en, ...) or ip-location-db's (flat: country_code, state1, city).
 */
export function toGeoLocation(record: unknown): GeoLocation | null {
  if (!record || typeof record !== 'object') return null;
  const nested = record as GeoIp2Record;
  if (nested.country || nested.registered_country || nested.location || typeof nested.city === 'object') {
    return {
      country: text(nested.country?.iso_code) ?? text(nested.registered_country?.iso_code),
      region: text(nested.subdivisions?.[0]?.names?.en),
      city: text(nested.city?.names?.en),
      latitude: number(nested.location?.latitude),
      longitude: number(nested.location?.longitude),
    };
  }
  const flat = record as FlatRecord;
  return {
    country: text(flat.country_code),
    region: text(flat.state1),
    city: text(flat.city),
    latitude: number(flat.latitude),
    longitude: number(flat.longitude),
  };
}
