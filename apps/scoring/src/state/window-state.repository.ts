import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { FramedScript, TransientError, type MessageBus, type ScriptArgument, type StreamOutbox, type TopicRecords } from '@app/bus';
import type { TransactionFacts } from '@app/features';
import { APP_CONFIG, MESSAGE_BUS, REDIS, redisFailure } from '@app/platform';
import type { ScoringConfig } from '../scoring.config';
import type { EvaluationIncrements, ScoredMark } from '../evaluation/evaluation-tally';
import { ScoringKeys } from './scoring-keys';
import { bucketOf, periodOf, periodsBefore } from './transaction-placement';
import { writeStateScript } from './write-state.lua';

/** A partition of the bus, as its position is kept. */
export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface StateSnapshot {
  /** Per partition read (in the order asked): the last offset whose state changes are stored, or null before the first. */
  positions: Array<string | null>;
  rulesVersion: string | null;
  activeModel: string | null;
  /** The model scored beside the active one, or null for none. */
  shadowModel: string | null;
  /** Stored user states (UserState.decode reads them), null for users never stored. */
  users: Map<string, string | null>;
  merchants: Map<string, Record<string, string>>;
}

/** A partition's new position, stored in the same transaction as the changes. */
export interface PositionChange extends PartitionRef {
  lastOffset: string;
  /** The stored position the call read (StateSnapshot.positions): the write is refused if it moved since. */
  readPosition: string | null;
}

export interface StateChanges {
  /** The partitions whose records made the changes. */
  positions: PositionChange[];
  /**
   * The users the batch changed: text to append to their stored state, or a whole new one
   * (UserState.storedForm); `expire`: (re)set the key's TTL (a new state always does).
   */
  users: Array<{ userId: string; append: boolean; text: string; expire: boolean }>;
  /** `expire`: (re)set the hash's TTL. */
  merchants: Array<{ merchantId: string; increments: Array<[string, number]>; expired: string[]; expire: boolean }>;
  /** The batch's transactions, kept for the chargebacks that will name them, with how they were scored. */
  transactions: StoredTransaction[];
  /** The batch's additions to the label evaluation (per pair of models and day). */
  evaluation: EvaluationIncrements[];
  /** The users' new latest scores (scores/recent-scores.ts), oldest first; `expire`: (re)set the list's TTL (the user's). */
  recentScores: Array<{ userId: string; entries: string[]; expire: boolean }>;
  /** How many latest scores a user's list keeps. */
  recentScoreLimit: number;
  userTtlMs: number;
  merchantTtlMs: number;
  /** Transactions and evaluation counts: as long as a chargeback may still name them. */
  transactionTtlMs: number;
}

/** A call's outputs as the state write appends them (the bus's outbox). */
export interface PlannedOutputs {
  outputs: TopicRecords[];
  keys: string[];
  args: ScriptArgument[];
}

export interface StoredTransaction {
  eventId: string;
  facts: TransactionFacts;
  /** Null until scored (a batch stores its transactions' marks with their facts). */
  scored: ScoredMark | null;
}

/**
 * Window state in Redis: the only place that knows its layout (users: one string each; merchants:
 * a hash of counters; partition positions). One pipelined read and one scripted write per call,
 * whatever its size and however many partitions it holds (DESIGN.md, "Stores": O(1) round trips per batch).
 * The write (a script: atomic) stores the partitions' positions with the changes, so after a crash the records up
 * to them are known applied and a redelivery cannot apply them twice. On Redis Streams with the state in the
 * bus's Redis, the same script appends the call's outputs (the bus's outbox): a crash leaves both or neither,
 * and a call costs one round trip less.
 */
@Injectable()
export class WindowStateRepository {
  private readonly outbox: StreamOutbox | undefined;
  /** ~11 arguments per event: sent as one frame (framed-script.ts in @app/bus). */
  private readonly writeState: FramedScript;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(APP_CONFIG) config: ScoringConfig,
    private readonly keys: ScoringKeys,
  ) {
    this.outbox = bus.outbox?.(config.REDIS_URL);
    this.writeState = new FramedScript(writeStateScript(this.outbox?.lua ?? null));
  }

  async read(partitions: PartitionRef[], userIds: string[], merchantIds: string[]): Promise<StateSnapshot> {
    const pipeline = this.redis
      .pipeline()
      .mget(
        ...partitions.map(({ topic, partition }) => this.keys.position(topic, partition)),
        this.keys.rulesVersion(),
        this.keys.activeModel(),
        this.keys.shadowModel(),
      );
    if (userIds.length > 0) pipeline.mget(userIds.map((id) => this.keys.user(id)));
    for (const id of merchantIds) pipeline.hgetall(this.keys.merchant(id));
    const replies = (await run(pipeline.exec())).map(([, value]) => value);
    const read = replies[0] as Array<string | null>;
    const [rulesVersion, activeModel, shadowModel] = read.slice(partitions.length);
    const users = userIds.length > 0 ? (replies[1] as Array<string | null>) : [];
    const merchantsFrom = userIds.length > 0 ? 2 : 1;
    return {
      positions: read.slice(0, partitions.length),
      rulesVersion,
      activeModel,
      shadowModel,
      users: new Map(userIds.map((id, i) => [id, users[i]])),
      merchants: new Map(merchantIds.map((id, i) => [id, replies[merchantsFrom + i] as Record<string, string>])),
    };
  }

  /**
   * The transactions that these chargebacks name, by id: each id's bucket in every period of the
   * horizon before its chargeback (transaction-placement.ts), one pipeline for all.
   */
  async readTransactions(disputes: Array<{ eventId: string; at: number }>, horizonMs: number): Promise<Map<string, StoredTransaction>> {
    const idsByKey = new Map<string, Set<string>>();
    for (const { eventId, at } of disputes) {
      for (const period of periodsBefore(at, horizonMs)) {
        const key = this.keys.transactions(period, bucketOf(eventId));
        idsByKey.set(key, (idsByKey.get(key) ?? new Set()).add(eventId));
      }
    }
    const found = new Map<string, StoredTransaction>();
    if (idsByKey.size === 0) return found;
    const asked = [...idsByKey].map(([key, ids]) => [key, [...ids]] as const);
    const pipeline = this.redis.pipeline();
    for (const [key, ids] of asked) pipeline.hmget(key, ...ids);
    const replies = await run(pipeline.exec());
    asked.forEach(([, ids], k) => {
      (replies[k][1] as Array<string | null>).forEach((value, i) => {
        if (value !== null) found.set(ids[i], decodeTransaction(ids[i], value));
      });
    });
    return found;
  }

  /** The days a pair of models has scored transactions of, and the counts of some of them (label-evaluation.ts). */
  async evaluationDays(pair: string): Promise<number[]> {
    try {
      return (await this.redis.zrange(this.keys.evaluationDays(pair), 0, -1)).map(Number);
    } catch (error) {
      throw redisFailure('evaluation', error);
    }
  }

  async evaluationCounts(pair: string, days: number[]): Promise<Array<Record<string, string>>> {
    if (days.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hgetall(this.keys.evaluation(pair, day));
    return (await run(pipeline.exec())).map(([, value]) => value as Record<string, string>);
  }

  /**
   * A call's outputs (scores, alerts) ahead of its write: planned for the write to append them, with the
   * bus's outbox; published now otherwise (null), so that after a crash before the write the redelivered
   * events are scored again to the same outputs, which downstream recognises by their ids.
   */
  async publishOrPlan(outputs: TopicRecords[]): Promise<PlannedOutputs | null> {
    if (this.outbox) return { outputs, ...(await this.outbox.plan(outputs)) };
    await Promise.all(outputs.map(({ topic, records }) => (records.length > 0 ? this.bus.publish(topic, records) : undefined)));
    return null;
  }

  /** Sends the write on this tick (merchant-increment-ledger.ts counts on it), with the planned outputs when there are. */
  async write(changes: StateChanges, planned: PlannedOutputs | null): Promise<void> {
    const keys = changes.positions.map(({ topic, partition }) => this.keys.position(topic, partition));
    const transactions = this.transactionFields(changes.transactions);
    const args: ScriptArgument[] = [
      changes.positions.length,
      changes.userTtlMs,
      changes.merchantTtlMs,
      changes.users.length,
      changes.merchants.length,
      changes.transactionTtlMs,
      transactions.size,
      changes.recentScores.length,
      changes.recentScoreLimit,
      changes.evaluation.length,
    ];
    for (const { lastOffset, readPosition } of changes.positions) args.push(lastOffset, readPosition ?? '');
    for (const user of changes.users) {
      keys.push(this.keys.user(user.userId));
      args.push(!user.append ? 's' : user.expire ? 'e' : 'a', user.text);
    }
    for (const merchant of changes.merchants) {
      keys.push(this.keys.merchant(merchant.merchantId));
      args.push(merchant.expire ? 'e' : '-', merchant.increments.length, ...merchant.increments.flat(), merchant.expired.length, ...merchant.expired);
    }
    for (const [key, fields] of transactions) {
      keys.push(key);
      args.push(fields.length / 2, ...fields);
    }
    for (const { userId, entries, expire } of changes.recentScores) {
      keys.push(this.keys.recentScores(userId));
      args.push(expire ? 'e' : '-', entries.length, ...entries);
    }
    for (const { pair, day, increments } of changes.evaluation) {
      keys.push(this.keys.evaluation(pair, day), this.keys.evaluationDays(pair));
      args.push(day, increments.length, ...increments.flat());
    }
    if (this.outbox) {
      // The script appends the plan after the state: an empty one when the call has no outputs.
      keys.push(...(planned?.keys ?? []));
      args.push(...(planned?.args ?? ['0']));
    }
    try {
      await this.writeState.run(this.redis, keys, args);
      if (planned) this.outbox?.published(planned.outputs);
    } catch (error) {
      const fenced = /^FENCED (\d+)/.exec((error as Error).message ?? '');
      if (fenced) {
        const { topic, partition } = changes.positions[Number(fenced[1])];
        throw new PartitionMovedOnError(topic, partition);
      }
      throw redisFailure('window state', error);
    }
  }

  /** The transactions' hashes (transaction-placement.ts), each with its fields: id, facts, id, facts, ... */
  private transactionFields(transactions: StoredTransaction[]): Map<string, string[]> {
    const byKey = new Map<string, string[]>();
    for (const transaction of transactions) {
      const key = this.keys.transactions(periodOf(transaction.facts.time), bucketOf(transaction.eventId));
      let fields = byKey.get(key);
      if (!fields) byKey.set(key, (fields = []));
      fields.push(transaction.eventId, encodeTransaction(transaction));
    }
    return byKey;
  }
}

/**
 * [time, user, merchant, amount, pair, live bin, shadow bin, alert bits, disputed by]: JSON, ~60 bytes
 * for the simulator's ids; the mark's four are null when unscored, the last left out until disputed.
 */
function encodeTransaction({ facts: f, scored: m }: StoredTransaction): string {
  const mark = m ? [m.pair, m.live, m.shadow, m.alerts] : [null, null, null, null];
  if (f.disputedBy !== undefined) return JSON.stringify([f.time, f.userId, f.merchantId, f.amount, ...mark, f.disputedBy]);
  return JSON.stringify(m ? [f.time, f.userId, f.merchantId, f.amount, ...mark] : [f.time, f.userId, f.merchantId, f.amount]);
}

function decodeTransaction(eventId: string, value: string): StoredTransaction {
  const [time, userId, merchantId, amount, pair, live, shadow, alerts, disputedBy] = JSON.parse(value) as [
    number,
    string,
    string | null,
    number,
    (string | null)?,
    number?,
    (number | null)?,
    number?,
    string?,
  ];
  return {
    eventId,
    facts: { time, userId, merchantId, amount, ...(disputedBy !== undefined ? { disputedBy } : {}) },
    scored: pair === undefined || pair === null ? null : { pair, live: live as number, shadow: shadow ?? null, alerts: alerts ?? 0 },
  };
}

/** A pipeline's replies, or the failure of the first command that failed (redisFailure: the server's or the data's). */
async function run(pending: Promise<Array<[Error | null, unknown]> | null>): Promise<Array<[Error | null, unknown]>> {
  let replies: Array<[Error | null, unknown]> | null;
  try {
    replies = await pending;
  } catch (error) {
    throw redisFailure('window state', error);
  }
  if (!replies) throw new TransientError('window state: the transaction was aborted');
  const failed = replies.find(([error]) => error);
  if (failed) throw redisFailure('window state', failed[0]);
  return replies;
}

/**
 * Another instance stored this partition's state since the batch read it (a rebalance moved the
 * partition): transient, since the retry reads the state afresh and skips what the other one applied.
 */
export class PartitionMovedOnError extends TransientError {
  constructor(topic: string, partition: number) {
    super(`window state: ${topic}/${partition} was scored by another instance since this call read it; not written`);
    this.name = 'PartitionMovedOnError';
  }
}
