import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { TransientError } from '@app/bus';
import { REDIS } from '@app/platform';
import { ScoringKeys } from './scoring-keys';
import { WRITE_STATE_SCRIPT } from './write-state.lua';

export interface StateSnapshot {
  /** Last offset of the partition whose state changes are stored, or null before the first. */
  position: string | null;
  rulesVersion: string | null;
  activeModel: string | null;
  /** The model scored beside the active one, or null for none. */
  shadowModel: string | null;
  /** Stored user states (UserState.decode reads them), null for users never stored. */
  users: Map<string, string | null>;
  merchants: Map<string, Record<string, string>>;
}

export interface StateChanges {
  topic: string;
  partition: number;
  /** Stored as the partition's position in the same transaction as the changes. */
  lastOffset: string;
  /**
   * The users the batch changed: text to append to their stored state, or a whole new one
   * (UserState.storedForm); `expire`: (re)set the key's TTL (a new state always does).
   */
  users: Array<{ userId: string; append: boolean; text: string; expire: boolean }>;
  /** `expire`: (re)set the hash's TTL. */
  merchants: Array<{ merchantId: string; increments: Array<[string, number]>; expired: string[]; expire: boolean }>;
  userTtlMs: number;
  merchantTtlMs: number;
}

/**
 * Window state in Redis: the only place that knows its layout (users: one string each; merchants:
 * a hash of counters; partition positions). One pipelined read and one scripted write per batch, whatever its size (DESIGN.md, "Stores": O(1) round trips per batch).
 * The write (a script: atomic) stores the partition's position with the changes, so after a crash the records up to it
 * are known applied and a redelivery cannot apply them twice.
 */
@Injectable()
export class WindowStateRepository {
  private readonly redis: Redis & { scoringWriteState(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<number> };

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly keys: ScoringKeys,
  ) {
    redis.defineCommand('scoringWriteState', { lua: WRITE_STATE_SCRIPT });
    this.redis = redis as typeof this.redis;
  }

  async read(topic: string, partition: number, userIds: string[], merchantIds: string[]): Promise<StateSnapshot> {
    const pipeline = this.redis.pipeline().mget(this.keys.position(topic, partition), this.keys.rulesVersion(), this.keys.activeModel(), this.keys.shadowModel());
    if (userIds.length > 0) pipeline.mget(userIds.map((id) => this.keys.user(id)));
    for (const id of merchantIds) pipeline.hgetall(this.keys.merchant(id));
    const replies = (await run(pipeline.exec())).map(([, value]) => value);
    const [position, rulesVersion, activeModel, shadowModel] = replies[0] as Array<string | null>;
    const users = userIds.length > 0 ? (replies[1] as Array<string | null>) : [];
    const merchantsFrom = userIds.length > 0 ? 2 : 1;
    return {
      position,
      rulesVersion,
      activeModel,
      shadowModel,
      users: new Map(userIds.map((id, i) => [id, users[i]])),
      merchants: new Map(merchantIds.map((id, i) => [id, replies[merchantsFrom + i] as Record<string, string>])),
    };
  }

  async write(changes: StateChanges): Promise<void> {
    const keys = [this.keys.position(changes.topic, changes.partition)];
    const args: Array<string | number> = [changes.lastOffset, changes.userTtlMs, changes.merchantTtlMs, changes.users.length];
    for (const user of changes.users) {
      keys.push(this.keys.user(user.userId));
      args.push(!user.append ? 's' : user.expire ? 'e' : 'a', user.text);
    }
    for (const merchant of changes.merchants) {
      keys.push(this.keys.merchant(merchant.merchantId));
      args.push(merchant.expire ? 'e' : '-', merchant.increments.length, ...merchant.increments.flat(), merchant.expired.length, ...merchant.expired);
    }
    try {
      await this.redis.scoringWriteState(keys.length, ...keys, ...args);
    } catch (error) {
      throw new TransientError(`window state: ${(error as Error).message}`);
    }
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
