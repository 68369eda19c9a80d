/** Where an IP address is, as far as the database knows; unknown parts are null. */
export interface GeoLocation {
  /** ISO 3166-1 alpha-2, e.g. GB. */
  country: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
}

export type GeoResult = { status: 'found'; location: GeoLocation } | { status: 'private' | 'invalid' | 'not_found' };
