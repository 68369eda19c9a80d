import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@app/platform';
import { ScoringKeys } from '../state/scoring-keys';
import type { RecentScore } from './recent-score.view';
import { decodeRecentScore } from './recent-scores';

/** A user's latest scores, as the batches stored them with their state (recent-scores.ts). */
@Injectable()
export class RecentScoresRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: ScoringKeys,
  ) {}

  /** Newest first: the order the user's partition scored them in. */
  async list(userId: string): Promise<RecentScore[]> {
    const entries = await this.redis.lrange(this.keys.recentScores(userId), 0, -1);
    return entries.reverse().map(decodeRecentScore);
  }
}
