import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@app/platform';
import type Redis from 'ioredis';

const key = (eventId: string) => `ingest:seen:${eventId}`;

// One command per batch instead of one per event. (Keys of one batch may sit in different slots of
// a Redis Cluster; this store is a single Redis, as DESIGN.md sets out.)
const SEEN_SCRIPT = `
local seen = {}
for i, k in ipairs(KEYS) do seen[i] = redis.call('EXISTS', k) end
return seen`;
const REMEMBER_SCRIPT = `
for _, k in ipairs(KEYS) do redis.call('SET', k, '1', 'PX', ARGV[1]) end
return #KEYS`;

type ScriptedRedis = Redis & {
  ingestSeen(count: number, ...keys: string[]): Promise<number[]>;
  ingestRemember(count: number, ...args: string[]): Promise<number>;
};

/**
 * Event ids published recently. Ingest asks before publishing and remembers after: an event is
 * never lost to a crash between the two, at the price of a rare duplicate when the same id arrives
 * twice at the same moment (downstream effects are idempotent by eventId).
 */
@Injectable()
export class SeenEventsRepository {
  private readonly redis: ScriptedRedis;

  constructor(@Inject(REDIS) redis: Redis) {
    this.redis = redis as ScriptedRedis;
    if (!('ingestSeen' in redis)) {
      redis.defineCommand('ingestSeen', { lua: SEEN_SCRIPT });
      redis.defineCommand('ingestRemember', { lua: REMEMBER_SCRIPT });
    }
  }

  async seen(eventIds: string[]): Promise<boolean[]> {
    if (eventIds.length === 0) return [];
    const replies = await this.redis.ingestSeen(eventIds.length, ...eventIds.map(key));
    return replies.map((exists) => exists === 1);
  }

  async remember(eventIds: string[], windowMs: number): Promise<void> {
    if (eventIds.length === 0) return;
    await this.redis.ingestRemember(eventIds.length, ...eventIds.map(key), String(windowMs));
  }
}
