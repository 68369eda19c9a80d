import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { decisionKey, type Decision } from '@app/contracts';
import { REDIS } from '@app/platform';

/** A decision to answer: the ingest instance's channel and how long the answer is kept (its record's headers). */
export interface DecisionReply {
  channel: string;
  keepMs: number;
  decision: Decision;
}

/**
 * Keeps the first answer for the event (the ingest instance's fallback may have been kept already, its
 * deadline past) and publishes the kept one to the channel, in one call: the answer's way back is one
 * message, and ingest answers the request as soon as it arrives, with nothing more to store.
 */
const KEEP_AND_REPLY_SCRIPT = `
local earlier = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2], 'GET')
redis.call('PUBLISH', ARGV[3], earlier or ARGV[1])
return 1
`;

type KeepingConnection = Redis & { decisionKeepAndReply(key: string, decision: string, keepMs: number, channel: string): unknown };

/**
 * Answers the decisions scored in a batch to the ingest instances that wait (DecisionReply), as soon as
 * they are computed: before their Scores are published on `scores` and before the state is stored,
 * since a retry of the batch scores them the same from the same stored state. On a connection of its
 * own: the state's connection carries batch writes of thousands of users, and a reply must not queue
 * behind one.
 */
@Injectable()
export class DecisionReplyPublisher implements OnApplicationShutdown {
  private readonly connection: KeepingConnection;

  constructor(@Inject(REDIS) redis: Redis) {
    this.connection = redis.duplicate() as KeepingConnection;
    this.connection.defineCommand('decisionKeepAndReply', { numberOfKeys: 1, lua: KEEP_AND_REPLY_SCRIPT });
    this.connection.on('error', () => undefined); // the waiter falls back at its deadline
  }

  /** Best effort: a reply lost (Redis away) is a degraded answer, never a lost event. */
  send(replies: DecisionReply[]): void {
    if (replies.length === 0) return;
    const pipeline = this.connection.pipeline();
    for (const { channel, keepMs, decision } of replies)
      (pipeline as unknown as KeepingConnection).decisionKeepAndReply(decisionKey(decision.eventId), JSON.stringify(decision), keepMs, channel);
    void pipeline.exec().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
