import { Inject, Injectable } from '@nestjs/common';
import { idWindowBuckets } from '@app/bus';
import { REDIS } from '@app/platform';
import type Redis from 'ioredis';

/** The ids remembered during one window-long stretch of time: a Redis set that expires as a whole. */
const bucketKey = (windowMs: number, bucket: number) => `ingest:seen:${windowMs}:${bucket}`;

/**
 * Event ids published recently, in one Redis set per window-long time bucket (idWindowBuckets: found
 * for at least a window, at most two). Whole sets expire instead of one key per id: a key with its own
 * expiry costs ~150 bytes (measured), a set member ~80, and Redis must expire each key on its own.
 * Memory is about 80 bytes per id (a UUID) for up to two windows of traffic (docs/ingest.md, "Duplicates").
 *
 * On Kafka (on Redis Streams the bus does this as it appends: MessageBus.publishOnce), ingest asks
 * before publishing and remembers after: an event is never lost to a crash between the two, at the
 * price of a rare copy (a crash after publishing, or the same id twice at the same moment), which
 * scoring, profiles and the lake sink recognise by its id (docs/ingest.md, "Duplicates").
 */
@Injectable()
export class SeenEventsRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async seen(eventIds: string[], windowMs: number, now = Date.now()): Promise<boolean[]> {
    if (eventIds.length === 0) return [];
    const buckets = idWindowBuckets(now, windowMs);
    const replies =
      (await this.redis
        .pipeline()
        .smismember(bucketKey(windowMs, buckets.current), ...eventIds)
        .smismember(bucketKey(windowMs, buckets.previous), ...eventIds)
        .exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
    const [current, previous] = replies.map(([, flags]) => flags as number[]);
    return eventIds.map((_, i) => current[i] === 1 || previous[i] === 1);
  }

  async remember(eventIds: string[], windowMs: number, now = Date.now()): Promise<void> {
    if (eventIds.length === 0) return;
    const { current, expiresAt } = idWindowBuckets(now, windowMs);
    const key = bucketKey(windowMs, current);
    const replies =
      (await this.redis
        .pipeline()
        .sadd(key, ...eventIds)
        .pexpireat(key, expiresAt)
        .exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
  }
}
