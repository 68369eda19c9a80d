import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { DECISION_KEEP_HEADER, DECISION_REPLY_HEADER, decisionReplyChannel, type Decision } from '@app/contracts';
import { APP_CONFIG, REDIS } from '@app/platform';
import type { IngestConfig } from '../ingest.config';

/**
 * Where this instance hears back from scoring: one Redis channel of its own, on a connection of its
 * own (a subscribed connection takes no other commands; ioredis subscribes again after a reconnect).
 * A decision's record carries `headers`: this channel, and how long the answer is kept (the dedupe
 * window). Scoring keeps the first answer given for the event and publishes it here; the waiter for
 * that event id takes it. A reply nobody waits for any more (its deadline passed) is dropped: pub/sub
 * keeps nothing, which is all a reply past its deadline is worth.
 */
@Injectable()
export class DecisionReplies implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DecisionReplies.name);
  readonly headers: Readonly<Record<string, string>>;
  private readonly channel: string;
  private readonly subscriber: Redis;
  private readonly waiting = new Map<string, (decision: Decision | null) => void>();

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: IngestConfig) {
    this.channel = decisionReplyChannel(config.BUS_TOPIC_PREFIX, randomUUID());
    this.headers = { [DECISION_REPLY_HEADER]: this.channel, [DECISION_KEEP_HEADER]: String(config.INGEST_DEDUPE_WINDOW_MS) };
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', () => undefined); // readiness reports Redis; waiters fall back at their deadline
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', (_channel: string, message: string) => this.deliver(message));
    await this.subscriber.subscribe(this.channel);
  }

  /** The event's kept Decision, or null once `ms` have passed or the wait is cancelled. Call before publishing the event. */
  wait(eventId: string, ms: number): Promise<Decision | null> {
    return new Promise<Decision | null>((resolve) => {
      const timer = setTimeout(() => this.settle(eventId, null), ms);
      this.waiting.set(eventId, (decision) => {
        clearTimeout(timer);
        resolve(decision);
      });
    });
  }

  /** Ends a wait at once (the event was not published after all). */
  cancel(eventId: string): void {
    this.settle(eventId, null);
  }

  private settle(eventId: string, decision: Decision | null): void {
    const resolve = this.waiting.get(eventId);
    if (!resolve) return;
    this.waiting.delete(eventId);
    resolve(decision);
  }

  private deliver(message: string): void {
    const decision = decisionOfReply(message);
    if (decision) this.settle(decision.eventId, decision);
    else this.logger.warn(`a decision reply was dropped: not a decision: ${message.slice(0, 200)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}

/** The Decision a reply holds (scoring wrote it with decisionOfScore, or another request's fallback was kept first), or null. */
function decisionOfReply(message: string): Decision | null {
  try {
    const value = JSON.parse(message) as Partial<Decision> | null;
    return typeof value?.eventId === 'string' && typeof value.decision === 'string' && typeof value.degraded === 'boolean' ? (value as Decision) : null;
  } catch {
    return null;
  }
}
