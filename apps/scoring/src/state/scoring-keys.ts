/** Every Redis key of the scoring state, under one prefix (SCORING_STATE_PREFIX). */
export class ScoringKeys {
  constructor(private readonly prefix: string) {}

  user = (userId: string) => `${this.prefix}:u:${userId}`;
  merchant = (merchantId: string) => `${this.prefix}:m:${merchantId}`;
  /** The last offset of a partition whose effects (state changes) are in Redis. */
  position = (topic: string, partition: number) => `${this.prefix}:pos:${topic}:${partition}`;
  rules = () => `${this.prefix}:rules`;
  rulesVersion = () => `${this.prefix}:rules:version`;
  activeModel = () => `${this.prefix}:model:active`;
  shadowModel = () => `${this.prefix}:model:shadow`;
}
