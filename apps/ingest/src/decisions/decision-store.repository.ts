import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { decisionKey, type Decision } from '@app/contracts';
import { REDIS } from '@app/platform';

/**
 * The decisions given, by event id, for as long as ingest recognises the event's id (the dedupe
 * window): asked again, a decision is answered as it was the first time, degraded or not, because the
 * payment went ahead on that answer. Scoring keeps the decisions it makes (DecisionReplyPublisher);
 * ingest keeps its fallbacks.
 */
@Injectable()
export class DecisionStoreRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async find(eventId: string): Promise<Decision | null> {
    const stored = await this.redis.get(decisionKey(eventId));
    return stored === null ? null : (JSON.parse(stored) as Decision);
  }

  /** Keeps the first decision given for an event and returns it: this one, or one another request stored first. */
  async keep(decision: Decision, ttlMs: number): Promise<Decision> {
    const earlier = await this.redis.call('SET', decisionKey(decision.eventId), JSON.stringify(decision), 'NX', 'PX', ttlMs, 'GET');
    return typeof earlier === 'string' ? (JSON.parse(earlier) as Decision) : decision;
  }
}
