/**
 * Ids remembered for a window, one Redis set per window-long bucket of time that expires as a whole: an
 * id remembered at time t sits in bucket floor(t / window), and asking that bucket and the one before finds
 * it for at least a window, at most two. A bucket's set is kept until the end of the next bucket, while it
 * is still "the one before". Ingest's dedupe on Kafka and the Redis Streams bus's publishOnce keep ids so.
 */
export function idWindowBuckets(now: number, windowMs: number): { current: number; previous: number; expiresAt: number } {
  const current = Math.floor(now / windowMs);
  return { current, previous: current - 1, expiresAt: (current + 2) * windowMs };
}
