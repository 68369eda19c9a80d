/**
 * A list of times, kept in order and pruned so it stays small yet answers "the latest at or before
 * t" exactly for any t at or after `horizon` (the entity's watermark minus the grace): it keeps
 * every time after the horizon and the single latest one at or before it. Events before the horizon
 * are late and never query or update the list, so nothing it dropped can be the answer.
 */
export function addOccurrence<T>(list: T[], item: T, timeOf: (item: T) => number, horizon: number): T[] {
  const time = timeOf(item);
  let at = list.length;
  while (at > 0 && timeOf(list[at - 1]) > time) at--;
  // Pushed and dropped in place: splice allocates an array of what it removes, twice per call and
  // several calls per event, and nearly every event comes in order.
  if (at === list.length) list.push(item);
  else list.splice(at, 0, item);
  let lastSettled = -1;
  for (let i = 0; i < list.length && timeOf(list[i]) <= horizon; i++) lastSettled = i;
  if (lastSettled > 0) {
    list.copyWithin(0, lastSettled);
    list.length -= lastSettled;
  }
  return list;
}

export function latestAtOrBefore<T>(list: readonly T[], time: number, timeOf: (item: T) => number): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (timeOf(list[i]) <= time) return list[i];
  return undefined;
}
