import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { TransientError } from '@app/bus';
import { REDIS } from '@app/platform';
import { ScoringKeys } from './scoring-keys';

export interface StateSnapshot {
  /** Last offset of the partition whose state changes are stored, or null before the first. */
  position: string | null;
  rulesVersion: string | null;
  activeModel: string | null;
  users: Map<string, Record<string, string>>;
  merchants: Map<string, Record<string, string>>;
}

export interface StateChanges {
  topic: string;
  partition: number;
  /** Stored as the partition's position in the same transaction as the changes. */
  lastOffset: string;
  users: Array<{ userId: string; set: Array<[string, string]>; removed: string[] }>;
  merchants: Array<{ merchantId: string; increments: Array<[string, number]>; expired: string[] }>;
  userTtlMs: number;
  merchantTtlMs: number;
}

/**
 * Window state in Redis: the only place that knows its layout. One pipelined read and one
 * MULTI/EXEC write per batch, whatever its size (DESIGN.md, "Stores": O(1) round trips per batch).
 * The write stores the partition's position with the changes, so after a crash the records up to it
 * are known applied and a redelivery cannot apply them twice.
 */
@Injectable()
export class WindowStateRepository {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: ScoringKeys,
  ) {}

  async read(topic: string, partition: number, userIds: string[], merchantIds: string[]): Promise<StateSnapshot> {
    const pipeline = this.redis.pipeline().get(this.keys.position(topic, partition)).get(this.keys.rulesVersion()).get(this.keys.activeModel());
    for (const id of userIds) pipeline.hgetall(this.keys.user(id));
    for (const id of merchantIds) pipeline.hgetall(this.keys.merchant(id));
    const replies = await run(pipeline.exec());
    const values = replies.map(([, value]) => value);
    return {
      position: values[0] as string | null,
      rulesVersion: values[1] as string | null,
      activeModel: values[2] as string | null,
      users: new Map(userIds.map((id, i) => [id, values[3 + i] as Record<string, string>])),
      merchants: new Map(merchantIds.map((id, i) => [id, values[3 + userIds.length + i] as Record<string, string>])),
    };
  }

  async write(changes: StateChanges): Promise<void> {
    const tx = this.redis.multi();
    for (const user of changes.users) {
      const key = this.keys.user(user.userId);
      if (user.set.length > 0) tx.hset(key, Object.fromEntries(user.set));
      if (user.removed.length > 0) tx.hdel(key, ...user.removed);
      tx.pexpire(key, changes.userTtlMs);
    }
    for (const merchant of changes.merchants) {
      const key = this.keys.merchant(merchant.merchantId);
      for (const [field, by] of merchant.increments) tx.hincrby(key, field, by);
      if (merchant.expired.length > 0) tx.hdel(key, ...merchant.expired);
      tx.pexpire(key, changes.merchantTtlMs);
    }
    tx.set(this.keys.position(changes.topic, changes.partition), changes.lastOffset);
    await run(tx.exec());
  }
}

/** Redis failures are transient for the bus: the batch is retried, never dead-lettered. */
async function run(pending: Promise<Array<[Error | null, unknown]> | null>): Promise<Array<[Error | null, unknown]>> {
  let replies: Array<[Error | null, unknown]> | null;
  try {
    replies = await pending;
  } catch (error) {
    throw new TransientError(`window state: ${(error as Error).message}`);
  }
  if (!replies) throw new TransientError('window state: the transaction was aborted');
  const failed = replies.find(([error]) => error);
  if (failed) throw new TransientError(`window state: ${failed[0]?.message}`);
  return replies;
}
