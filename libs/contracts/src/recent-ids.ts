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

/**
 * The latest `capacity` values remembered, for windows too large to search one by one (the lake keeps
 * 50,000 event ids per partition): a Set to ask, and a ring of the same values that says which is the
 * oldest. Forgetting the oldest through the Set's own order instead (`values().next()`) cost 13-30 µs a
 * value once the window was full, for ids that come in order (the simulator's, many a shop's): V8 keeps a
 * deleted entry's slot until it rebuilds the table, and each new iterator steps over them from the start.
 */
export class RecentWindow<T> {
  private readonly values = new Set<T>();
  private readonly ring: Array<T | undefined>;
  private next = 0;

  constructor(capacity: number) {
    this.ring = new Array<T | undefined>(capacity);
  }

  has(value: T): boolean {
    return this.values.has(value);
  }

  /** Remembers `value` (a value remembered already keeps its place), forgetting the oldest beyond capacity. */
  add(value: T): void {
    if (this.ring.length === 0 || this.values.has(value)) return;
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.values.delete(oldest);
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.ring.length;
    this.values.add(value);
  }
}
