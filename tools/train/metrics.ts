/** Quality measures of the handbook's protocol, on scores (higher = more likely fraud) and 0/1 labels. */

/** Area under the ROC curve: the chance a random fraud outscores a random genuine one (ties count half). */
export function aucRoc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) j++;
    const averageRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let k = i; k < j; k++)
      if (labels[order[k]] === 1) {
        rankSum += averageRank;
        positives++;
      }
    i = j;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Average precision (scikit-learn's definition): precision at each distinct threshold, weighted by the recall it adds. */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const positives = Array.from(labels).filter((l) => l === 1).length;
  if (positives === 0) return Number.NaN;
  let truePositives = 0;
  let seen = 0;
  let ap = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let gained = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]] === 1) gained++;
      j++;
    }
    truePositives += gained;
    seen = j;
    ap += (gained / positives) * (truePositives / seen);
    i = j;
  }
  return ap;
}

export interface ScoredTransaction {
  customer: string;
  day: number;
  score: number;
  fraud: boolean;
}

/**
 * Card precision top-k (the handbook's operational measure): each day, the k cards (customers) with
 * the highest transaction score are checked; the share of them with a fraud that day, averaged over days.
 */
export function cardPrecisionAtK(transactions: ScoredTransaction[], k: number): number {
  const days = new Map<number, Map<string, { score: number; fraud: boolean }>>();
  for (const t of transactions) {
    const cards = days.get(t.day) ?? new Map<string, { score: number; fraud: boolean }>();
    const card = cards.get(t.customer) ?? { score: 0, fraud: false };
    cards.set(t.customer, { score: Math.max(card.score, t.score), fraud: card.fraud || t.fraud });
    days.set(t.day, cards);
  }
  const precisions = [...days.values()].map((cards) => {
    const top = [...cards.values()].sort((a, b) => b.score - a.score).slice(0, k);
    return top.filter((c) => c.fraud).length / k;
  });
  return precisions.reduce((sum, p) => sum + p, 0) / precisions.length;
}

/** The three measures every report of this project gives, to four decimals: AUC ROC, average precision, card precision@100. */
export function detectionQuality(scores: ArrayLike<number>, labels: ArrayLike<number>, transactions: ReadonlyArray<Omit<ScoredTransaction, 'score'>>) {
  return {
    aucRoc: roundMeasure(aucRoc(scores, labels)),
    averagePrecision: roundMeasure(averagePrecision(scores, labels)),
    cardPrecisionAt100: roundMeasure(
      cardPrecisionAtK(
        transactions.map((t, i) => ({ ...t, score: scores[i] })),
        100,
      ),
    ),
  };
}

export const roundMeasure = (x: number) => Math.round(x * 1e4) / 1e4;
