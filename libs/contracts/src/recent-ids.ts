/**
 * Keeps `value` as the latest of a bounded list of recent values, oldest first: moved to the end if
 * it is there already, the oldest dropped beyond `limit`. Changes `recent` in place.
 *
 * It is how a consumer recognises a copy of an event: an event's id is its identity across copies, and
 * a producer that crashed between publishing and being told so publishes again, under a new offset,
 * soon after. The windows that live in stored state (a profile's recent event and alert ids, a user's
 * recent event hashes) are small, and an array is both their stored form and the cheapest in memory.
 * It also keeps a profile's latest countries and devices.
 */
export function rememberRecent<T>(recent: T[], value: T, limit: number): void {
  const at = recent.indexOf(value);
  if (at !== -1) recent.splice(at, 1);
  recent.push(value);
  if (recent.length > limit) recent.splice(0, recent.length - limit);
}
