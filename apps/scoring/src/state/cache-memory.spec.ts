import { cacheMemoryProblem } from './cache-memory';

const MB = 1_048_576;

describe('cacheMemoryProblem', () => {
  it('accepts caches that fit in the heap with room for the rest', () => {
    // The defaults under the suite's --max-old-space-size=1024 (V8 adds the young generation to the limit).
    expect(cacheMemoryProblem(25_000, 20_000, 1072 * MB)).toBeUndefined();
    expect(cacheMemoryProblem(25_000, 20_000, 560 * MB)).toBeUndefined();
  });

  it("names the settings, the caches' size and the limit when they would not fit", () => {
    expect(cacheMemoryProblem(200_000, 100_000, 560 * MB)).toBe(
      "full caches (SCORING_CACHE_USERS=200000, SCORING_CACHE_MERCHANTS=100000) may hold ~1621 MB, more than 60% of the 560 MB heap limit: lower them, or raise node's --max-old-space-size",
    );
  });
});
