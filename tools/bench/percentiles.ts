/** Nearest-rank percentiles of a sample (sorted copy); what the bench reports. */
export function percentiles(samples: number[], ranks: number[]): Record<string, number> {
  const sorted = Float64Array.from(samples).sort();
  const out: Record<string, number> = {};
  for (const rank of ranks) {
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1));
    out[`p${rank}`] = sorted.length === 0 ? NaN : sorted[index];
  }
  return out;
}

export const median = (values: number[]) => percentiles(values, [50]).p50;
