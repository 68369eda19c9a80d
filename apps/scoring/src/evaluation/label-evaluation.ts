/**
 * How the live and shadow models do on the transactions chargebacks have labelled, from score
 * histograms: per day of transactions, how many of each model's scores fell in each bin, and how many
 * of those a chargeback later named. Counts add up across instances and days, so the figures cost
 * the same at any traffic, and a day's counts are final once its labels have had time to arrive.
 *
 * Bins are 1/20 of a log-odds unit: ~5% apart in score for the rare high scores and the common tiny
 * ones alike, so ranking measures (AUC, average precision) lose little to ties within a bin.
 */

/** Which model of the pair: the live one ('L') or the shadow ('S'). */
export type Role = 'L' | 'S';

const BINS_PER_LOGIT = 20;
const EDGE = 1e-7;

export function scoreBin(score: number): number {
  const p = Math.min(1 - EDGE, Math.max(EDGE, score));
  return Math.round(BINS_PER_LOGIT * Math.log(p / (1 - p)));
}

/**
 * A day's hash fields: `L<bin>`/`S<bin>` scores in the bin, `LA`/`SA` scores at or above the model's
 * alert threshold; with `P` after the role, the same for transactions a chargeback named.
 */
export const binField = (role: Role, bin: number, labelled: boolean) => `${role}${labelled ? 'P' : ''}${bin}`;
export const alertField = (role: Role, labelled: boolean) => `${role}${labelled ? 'P' : ''}A`;

export interface RoleEvaluation {
  transactions: number;
  frauds: number;
  /** NaN (null in JSON) until there are frauds and genuine transactions both. */
  aucRoc: number;
  averagePrecision: number;
  /** Transactions scored at or above the model's alert threshold, and the share of them that were fraud. */
  alerts: number;
  precisionAtAlert: number;
  recallAtAlert: number;
}

/** The figures of one model of the pair over some days' hashes (HGETALL replies). */
export function evaluateRole(days: ReadonlyArray<Record<string, string>>, role: Role): RoleEvaluation {
  const all = new Map<number, number>();
  const labelled = new Map<number, number>();
  let alerts = 0;
  let labelledAlerts = 0;
  for (const fields of days) {
    for (const [field, value] of Object.entries(fields)) {
      if (field[0] !== role) continue;
      const count = Number(value);
      const isLabelled = field[1] === 'P';
      const rest = field.slice(isLabelled ? 2 : 1);
      if (rest === 'A') {
        if (isLabelled) labelledAlerts += count;
        else alerts += count;
        continue;
      }
      const bins = isLabelled ? labelled : all;
      const bin = Number(rest);
      bins.set(bin, (bins.get(bin) ?? 0) + count);
    }
  }
  const bins = [...all.keys()].sort((a, b) => b - a);
  let transactions = 0;
  let frauds = 0;
  for (const bin of bins) {
    transactions += all.get(bin) as number;
    frauds += Math.min(labelled.get(bin) ?? 0, all.get(bin) as number);
  }
  const genuine = transactions - frauds;
  // Highest bin first: AUC counts, per fraud, the genuine ones below it (half of those in its own bin);
  // average precision takes each bin as one threshold, as scikit-learn takes tied scores.
  let genuineAbove = 0;
  let fraudsAbove = 0;
  let pairs = 0;
  let ap = 0;
  for (const bin of bins) {
    const p = Math.min(labelled.get(bin) ?? 0, all.get(bin) as number);
    const n = (all.get(bin) as number) - p;
    pairs += p * (genuine - genuineAbove - n) + (p * n) / 2;
    genuineAbove += n;
    fraudsAbove += p;
    if (p > 0) ap += (p / frauds) * (fraudsAbove / (fraudsAbove + genuineAbove));
  }
  return {
    transactions,
    frauds,
    aucRoc: frauds > 0 && genuine > 0 ? pairs / (frauds * genuine) : Number.NaN,
    averagePrecision: frauds > 0 ? ap : Number.NaN,
    alerts,
    precisionAtAlert: alerts > 0 ? labelledAlerts / alerts : Number.NaN,
    recallAtAlert: frauds > 0 ? labelledAlerts / frauds : Number.NaN,
  };
}

/**
 * The days to evaluate: the last `days` of those whose labels have had `maturityDays` to arrive,
 * counted back from the newest day scored (event time: a replay is evaluated as live traffic was).
 * Days are day numbers since the epoch, UTC.
 */
export function labelledWindow(scoredDays: readonly number[], days: number, maturityDays: number): number[] {
  if (scoredDays.length === 0) return [];
  const newest = Math.max(...scoredDays);
  const last = newest - maturityDays - 1; // its chargebacks are all in by the start of the newest day
  return scoredDays.filter((d) => d <= last && d > last - days).sort((a, b) => a - b);
}
