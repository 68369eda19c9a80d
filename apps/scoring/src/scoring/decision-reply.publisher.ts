import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { scoreCodec, type Score } from '@app/contracts';
import { REDIS } from '@app/platform';

/**
 * Sends the Scores of events that wait for a decision to the ingest instance that waits (the channel
 * in their record's DECISION_REPLY_HEADER), as soon as they are computed: before they are published on
 * `scores` and before the state is stored, since a retry of the batch scores them the same from the
 * same stored state. On a connection of its own: the state's connection carries batch writes of
 * thousands of users, and a reply must not queue behind one.
 */
@Injectable()
export class DecisionReplyPublisher implements OnApplicationShutdown {
  private readonly connection: Redis;

  constructor(@Inject(REDIS) redis: Redis) {
    this.connection = redis.duplicate();
    this.connection.on('error', () => undefined); // the waiter falls back at its deadline
  }

  /** Best effort: a reply lost (Redis away) is a degraded answer, never a lost event. */
  send(replies: Array<{ channel: string; score: Score }>): void {
    if (replies.length === 0) return;
    const pipeline = this.connection.pipeline();
    for (const { channel, score } of replies) pipeline.publish(channel, scoreCodec.encode(score));
    void pipeline.exec().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
