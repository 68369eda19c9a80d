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
    const [[, all], [, version]] = (await this.redis.multi().hgetall(this.keys.rules()).get(this.keys.rulesVersion()).exec()) as [[null, Record<string, string>], [null, string | null]];
    const rules = Object.values(all).map((json) => JSON.parse(json) as Rule).sort((a, b) => a.id.localeCompare(b.id));
    return { version, rules };
  }

  async put(rule: Rule): Promise<boolean> {
    const [[, created]] = (await this.redis.multi().hset(this.keys.rules(), rule.id, JSON.stringify(rule)).incr(this.keys.rulesVersion()).exec()) as [[null, number]];
    return created === 1;
  }

  async delete(id: string): Promise<boolean> {
    const [[, removed]] = (await this.redis.multi().hdel(this.keys.rules(), id).incr(this.keys.rulesVersion()).exec()) as [[null, number]];
    return removed === 1;
  }
}
