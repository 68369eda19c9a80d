/**
 * Which features pushed a score up most, for any model: each feature of a flagged row is set to
 * its typical (baseline) value in turn and the row re-scored; the features whose replacement lowers
 * the score most are the reasons. All flagged rows of a batch go in one extra model call, so the
 * cost is one session.run per batch that has any, not per feature.
 */
export function occlusionRows(rows: Float32Array, width: number, flagged: number[], baseline: readonly number[]): Float32Array {
  const out = new Float32Array(flagged.length * width * width);
  flagged.forEach((row, k) => {
    const source = rows.subarray(row * width, (row + 1) * width);
    for (let f = 0; f < width; f++) {
      const at = (k * width + f) * width;
      out.set(source, at);
      out[at + f] = baseline[f];
    }
  });
  return out;
}

/** The top `count` features by how much the score drops without them (only those that drop it). */
export function topContributions(
  score: number,
  occluded: Float32Array,
  k: number,
  width: number,
  count: number,
): Array<{ feature: number; contribution: number }> {
  const contributions: Array<{ feature: number; contribution: number }> = [];
  for (let f = 0; f < width; f++) {
    const contribution = score - occluded[k * width + f];
    if (contribution > 1e-6) contributions.push({ feature: f, contribution });
  }
  return contributions.sort((a, b) => b.contribution - a.contribution).slice(0, count);
}
