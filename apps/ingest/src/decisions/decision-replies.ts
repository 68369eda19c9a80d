import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { decisionReplyChannel, scoreCodec, type Score } from '@app/contracts';
import { APP_CONFIG, REDIS } from '@app/platform';
import type { IngestConfig } from '../ingest.config';

/**
 * Where this instance hears back from scoring: one Redis channel of its own, on a connection of its
 * own (a subscribed connection takes no other commands; ioredis subscribes again after a reconnect).
 * Scoring publishes the Score of an event whose record names this channel (DECISION_REPLY_HEADER); the
 * waiter for that event id takes it. A reply nobody waits for any more (its deadline passed) is
 * dropped: pub/sub keeps nothing, which is all a reply past its deadline is worth.
 */
@Injectable()
export class DecisionReplies implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DecisionReplies.name);
  readonly channel: string;
  private readonly subscriber: Redis;
  private readonly waiting = new Map<string, (score: Score | null) => void>();

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: IngestConfig) {
    this.channel = decisionReplyChannel(config.BUS_TOPIC_PREFIX, randomUUID());
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', () => undefined); // readiness reports Redis; waiters fall back at their deadline
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', (_channel: string, message: string) => this.deliver(message));
    await this.subscriber.subscribe(this.channel);
  }

  /** The event's Score, or null once `ms` have passed or the wait is cancelled. Call before publishing the event. */
  wait(eventId: string, ms: number): Promise<Score | null> {
    return new Promise<Score | null>((resolve) => {
      const timer = setTimeout(() => this.settle(eventId, null), ms);
      this.waiting.set(eventId, (score) => {
        clearTimeout(timer);
        resolve(score);
      });
    });
  }

  /** Ends a wait at once (the event was not published after all). */
  cancel(eventId: string): void {
    this.settle(eventId, null);
  }

  private settle(eventId: string, score: Score | null): void {
    const resolve = this.waiting.get(eventId);
    if (!resolve) return;
    this.waiting.delete(eventId);
    resolve(score);
  }

  private deliver(message: string): void {
    const score = scoreCodec.decode(message);
    if (typeof score === 'string') this.logger.warn(`a decision reply was dropped: ${score}`);
    else this.settle(score.eventId, score);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}
