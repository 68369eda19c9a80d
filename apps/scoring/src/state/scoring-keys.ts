/** Every Redis key of the scoring state, under one prefix (SCORING_STATE_PREFIX). */
export class ScoringKeys {
  constructor(private readonly prefix: string) {}

  user = (userId: string) => `${this.prefix}:u:${userId}`;
  merchant = (merchantId: string) => `${this.prefix}:m:${merchantId}`;
  /** A user's latest scores, oldest first (a list capped at SCORING_RECENT_SCORES; scores/recent-scores.ts). */
  recentScores = (userId: string) => `${this.prefix}:s:${userId}`;
  /** The facts of one period's transactions of one bucket of ids (a hash by event id), for the chargebacks that name them (transaction-placement.ts). */
  transactions = (period: number, bucket: number) => `${this.prefix}:tx:${period}:${bucket}`;
  /** A pair of models' label evaluation counts of one day of transactions (day number since the epoch). */
  evaluation = (pair: string, day: number) => `${this.prefix}:eval:${pair}:${day}`;
  /** The days a pair of models has counts of (a sorted set). */
  evaluationDays = (pair: string) => `${this.prefix}:eval:${pair}:days`;
  /** The last offset of a partition whose effects (state changes) are in Redis. */
  position = (topic: string, partition: number) => `${this.prefix}:pos:${topic}:${partition}`;
  rules = () => `${this.prefix}:rules`;
  rulesVersion = () => `${this.prefix}:rules:version`;
  activeModel = () => `${this.prefix}:model:active`;
  shadowModel = () => `${this.prefix}:model:shadow`;
}
