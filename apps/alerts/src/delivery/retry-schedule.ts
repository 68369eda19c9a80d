/**
 * When to try a failed delivery again, in the spirit of the Standard Webhooks schedule (5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h after successive failures), with ±20% jitter so receivers that come back
 * are not hit by every sender at once. A `Retry-After` longer than the schedule wins. Null: give up.
 */
export function nextRetryDelayMs(
  failures: number,
  scheduleSeconds: number[],
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number | null {
  if (failures > scheduleSeconds.length) return null;
  const planned = scheduleSeconds[failures - 1] * 1000 * (0.8 + 0.4 * random());
  return Math.round(Math.max(planned, (retryAfterSeconds ?? 0) * 1000));
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), capped at a day; null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header.trim()) : (Date.parse(header) - now) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 86_400) : null;
}
