/**
 * Heap a cached entry holds at most, measured on the simulator's traffic with up to 30 days of history
 * (docs/scoring.md, "Memory"): a user ~3.9-4.8 KB (buckets, values seen, recent event id hashes), a
 * merchant ~1.1-1.7 KB. The caches' bounds are counts; these turn them into memory, with room to spare.
 */
export const USER_ENTRY_BYTES = 7_000;
export const MERCHANT_ENTRY_BYTES = 3_000;
/** Share of the heap limit full caches may take: the rest is batches in flight, the model and the code. */
const CACHE_SHARE_OF_HEAP = 0.6;

/** Why full caches would not fit in the heap (V8's limit), or undefined when they would. */
export function cacheMemoryProblem(users: number, merchants: number, heapLimitBytes: number): string | undefined {
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  const full = users * USER_ENTRY_BYTES + merchants * MERCHANT_ENTRY_BYTES;
  if (full <= heapLimitBytes * CACHE_SHARE_OF_HEAP) return undefined;
  return (
    `full caches (SCORING_CACHE_USERS=${users}, SCORING_CACHE_MERCHANTS=${merchants}) may hold ~${mb(full)} MB, ` +
    `more than ${CACHE_SHARE_OF_HEAP * 100}% of the ${mb(heapLimitBytes)} MB heap limit: lower them, or raise node's --max-old-space-size`
  );
}
