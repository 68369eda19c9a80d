import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '@app/platform';
import { ScoringKeys } from '../state/scoring-keys';
import type { Rule } from './rule';

/**
 * Rules live in one Redis hash (id → JSON) beside a version counter bumped in the same
 * transaction; every scoring batch reads the counter with its state, so a change reaches all
 * instances by their next batch, without a redeploy or a second round trip.
 */
@Injectable()
export class RulesRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: ScoringKeys,
  ) {}

  async list(): Promise<{ version: string | null; rules: Rule[] }> {
    const [[, all], [, version]] = (await this.redis.multi().hgetall(this.keys.rules()).get(this.keys.rulesVersion()).exec()) as [
      [null, Record<string, string>],
      [null, string | null],
    ];
    const rules = Object.values(all)
      .map((json) => JSON.parse(json) as Rule)
      .sort((a, b) => a.id.localeCompare(b.id));
    return { version, rules };
  }

  /** Stores the rule; the one it replaced (null: none), read in the same transaction, for the audit trail. */
  async put(rule: Rule): Promise<Rule | null> {
    const [[, previous]] = (await this.redis
      .multi()
      .hget(this.keys.rules(), rule.id)
      .hset(this.keys.rules(), rule.id, JSON.stringify(rule))
      .incr(this.keys.rulesVersion())
      .exec()) as [[null, string | null]];
    return previous === null ? null : (JSON.parse(previous) as Rule);
  }

  /** Removes the rule and returns it (null: there was none). */
  async delete(id: string): Promise<Rule | null> {
    const [[, previous]] = (await this.redis.multi().hget(this.keys.rules(), id).hdel(this.keys.rules(), id).incr(this.keys.rulesVersion()).exec()) as [
      [null, string | null],
    ];
    return previous === null ? null : (JSON.parse(previous) as Rule);
  }
}
