import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@app/platform';
import type Redis from 'ioredis';

const key = (eventId: string) => `ingest:seen:${eventId}`;

/**
 * Event ids published recently. Ingest asks before publishing and remembers after: an event is
 * never lost to a crash between the two, at the price of a rare duplicate when the same id arrives
 * twice at the same moment (downstream effects are idempotent by eventId).
 */
@Injectable()
export class SeenEventsRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async seen(eventIds: string[]): Promise<boolean[]> {
    if (eventIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of eventIds) pipeline.exists(key(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, value]) => {
      if (error) throw error;
      return value === 1;
    });
  }

  async remember(eventIds: string[], windowMs: number): Promise<void> {
    if (eventIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of eventIds) pipeline.set(key(id), '1', 'PX', windowMs);
    await pipeline.exec();
  }
}
