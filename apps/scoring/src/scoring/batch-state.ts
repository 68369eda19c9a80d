import { getHeapStatistics } from 'node:v8';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { compareOffsets, positionOnThisBus, type TopicRecords } from '@app/bus';
import { MerchantState, resolveChargeback, transactionFactsOf, UserState, DAY, type TransactionFacts } from '@app/features';
import { APP_CONFIG, ROOT_LOGGER } from '@app/platform';
import { ModelRegistry } from '../model/model-registry';
import type { ScoringConfig } from '../scoring.config';
import { cacheMemoryProblem } from '../state/cache-memory';
import { MerchantIncrementLedger, type LedgerEntry } from '../state/merchant-increment-ledger';
import { MerchantStateCache } from '../state/merchant-state.cache';
import { UserStateCache } from '../state/user-state.cache';
import { WindowStateRepository, type PositionChange, type StateChanges, type StateSnapshot, type StoredTransaction } from '../state/window-state.repository';
import type { PositionedEvent, ScoredBatch } from './score-pipeline';
import { scoringMetrics as metrics } from './scoring-metrics';

/** How often a user's key's TTL is set again while the user is in memory (appends keep it). */
const EXPIRY_REFRESH_MS = DAY;

/**
 * One partition's events in a scoring call. A call holds one partition's batch, or several partitions'
 * read together (ConsumeOptions.handleTogether): their state is read, scored and stored in one go.
 */
export interface PartitionEvents {
  topic: string;
  partition: number;
  events: PositionedEvent[];
}

/** The transactions a batch's chargebacks named: stored by earlier batches, or earlier in the batch. */
export interface Disputed {
  stored: Map<string, StoredTransaction>;
  inBatch: Map<string, TransactionFacts>;
}

/** What the batches of this process share: state in memory, what it last stored per partition, and Redis. */
interface SharedState {
  cache: UserStateCache;
  merchantCache: MerchantStateCache;
  /** Merchant increments of calls in progress, for merchants re-read meanwhile (partitions are scored concurrently). */
  ledger: MerchantIncrementLedger;
  /** The position this instance last stored per partition: another value in Redis means another instance worked there. */
  written: Map<string, string>;
  repository: WindowStateRepository;
  models: ModelRegistry;
  logger: Logger;
  /** SCORING_RECENT_SCORES. */
  recentScoreLimit: number;
}

/**
 * Scoring's state in memory and in Redis: users and merchants held between calls, loaded for a call
 * (one partition's batch or several's) in one read, stored with the partitions' positions in one
 * script call. A call works through `begin(...)`: the BatchState it returns loads, takes the changes and
 * stores them.
 */
@Injectable()
export class BatchStateStore {
  private readonly shared: SharedState;

  constructor(@Inject(APP_CONFIG) config: ScoringConfig, @Inject(ROOT_LOGGER) rootLogger: Logger, repository: WindowStateRepository, models: ModelRegistry) {
    const logger = rootLogger.child({ component: 'score-batch' });
    this.shared = {
      cache: new UserStateCache(config.SCORING_CACHE_USERS),
      merchantCache: new MerchantStateCache(config.SCORING_CACHE_MERCHANTS, config.SCORING_MERCHANT_REFRESH_MS),
      ledger: new MerchantIncrementLedger(),
      written: new Map(),
      repository,
      models,
      logger,
      recentScoreLimit: config.SCORING_RECENT_SCORES,
    };
    const memoryProblem = cacheMemoryProblem(config.SCORING_CACHE_USERS, config.SCORING_CACHE_MERCHANTS, getHeapStatistics().heap_size_limit);
    if (memoryProblem) logger.warn(memoryProblem);
  }

  /**
   * Ties each chargeback to the transaction it names (resolveChargeback): one pipeline reads those
   * not earlier in the batch itself. Before the merchants are read: a chargeback counts for its
   * transaction's merchant, which it may not name. A chargeback names a transaction of the same user,
   * so of the same partition: stored by an earlier batch, or earlier in this one. Returns what it
   * resolved against: the stored ones, with how they were scored, and the batch's own, each marked
   * with the chargeback that disputed it first (stored again with the batch: BatchState.changes).
   */
  async resolveChargebacks(events: PositionedEvent[]): Promise<Disputed> {
    const disputed = new Set<string>();
    for (const { event } of events) if (event.dispute) disputed.add(event.dispute.eventId);
    const inBatch = new Map<string, TransactionFacts>();
    if (disputed.size === 0) return { stored: new Map(), inBatch };
    for (const { event } of events) if (event.type === 'transaction' && disputed.has(event.eventId)) inBatch.set(event.eventId, transactionFactsOf(event));
    const horizonMs = this.shared.models.featureConfig.disputeHorizonMs;
    const stored = await this.shared.repository.readTransactions(
      events.flatMap(({ event: { dispute, time } }) => (dispute && !inBatch.has(dispute.eventId) ? [{ eventId: dispute.eventId, at: time }] : [])),
      horizonMs,
    );
    const seen = new Set<string>();
    for (const { event } of events) {
      if (event.type === 'transaction') seen.add(event.eventId);
      if (!event.dispute) continue;
      const id = event.dispute.eventId;
      resolveChargeback(event, stored.get(id)?.facts ?? (seen.has(id) ? inBatch.get(id) : undefined), horizonMs);
    }
    return { stored, inBatch };
  }

  begin(parts: PartitionEvents[]): BatchState {
    return new BatchState(this.shared, parts);
  }
}

/**
 * One call's state: `load`, then (with no await between them: calls of other partitions run at every
 * await and add to the same merchants) `merchants`, `fresh` and `changes`, then `store`; `abandon` when
 * anything failed, and `close` always. A call of several partitions is one batch to everything here but
 * positions: it reads, fences and moves each partition's position, in the same read and write.
 */
export class BatchState {
  private readonly partitionKeys: string[];
  /** Each user's partition (a user's events are all in one). */
  private readonly userPartitions = new Map<string, string>();
  private readonly userIds: string[];
  private readonly merchantIds: string[];
  private cachedMerchants = new Map<string, MerchantState>();
  private snapshot: StateSnapshot | null = null;
  /** Per partition, its events after its stored position (fresh). */
  private freshParts: PositionedEvent[][] = [];
  private merchantRead: number | null = null;
  private increments: LedgerEntry | null = null;

  constructor(
    private readonly shared: SharedState,
    private readonly parts: PartitionEvents[],
  ) {
    this.partitionKeys = parts.map(({ topic, partition }) => `${topic}:${partition}`);
    parts.forEach(({ events }, i) => {
      for (const { event } of events) this.userPartitions.set(event.userId, this.partitionKeys[i]);
    });
    this.userIds = [...this.userPartitions.keys()];
    this.merchantIds = [...new Set(parts.flatMap(({ events }) => events.flatMap((e) => (e.event.merchantId ? [e.event.merchantId] : []))))];
  }

  /**
   * One Redis read: the partitions' stored positions, users not in memory, merchants not read lately,
   * the rules version and the names of the active and shadow models. The call holds its users itself:
   * the cache may evict (or expire) some before it ends.
   */
  async load(): Promise<{ snapshot: StateSnapshot; users: Map<string, UserState> }> {
    const { cache, merchantCache, ledger, written, repository, models } = this.shared;
    const cached = found(this.userIds, (id) => cache.get(id));
    this.cachedMerchants = found(this.merchantIds, (id) => merchantCache.fresh(id));
    this.merchantRead = ledger.readSent(); // the read goes out on this tick
    let snapshot = await repository.read(
      this.parts,
      this.userIds.filter((id) => !cached.has(id)),
      this.merchantIds.filter((id) => !this.cachedMerchants.has(id)),
    );
    const moved = this.partitionKeys.filter((key, i) => {
      const ours = written.get(key);
      return ours !== undefined && snapshot.positions[i] !== ours;
    });
    if (moved.length > 0) {
      // Another instance scored these partitions since we did (a rebalance): our copies are stale.
      for (const key of moved) cache.dropPartition(key);
      cached.clear();
      snapshot = { ...snapshot, users: (await repository.read([], this.userIds, [])).users };
    }
    const users = new Map(this.userIds.map((id) => [id, cached.get(id) ?? UserState.decode(snapshot.users.get(id), models.featureConfig.graceMs)]));
    for (const [userId, user] of users) cache.set(userId, this.userPartitions.get(userId) as string, user);
    this.snapshot = snapshot;
    return { snapshot, users };
  }

  /**
   * The batch's merchants as it computes (synchronously: nothing changes them meanwhile). Another batch
   * may have re-read one since this batch started: its copy, which every batch adds to from then on,
   * is the one to use. A merchant this batch read is installed with what other batches added that the
   * read could not include (the ledger). One that left memory meanwhile (a failed batch drops its
   * merchants) is used as held but not put back: the next batch reads it again.
   */
  merchants(): Map<string, MerchantState> {
    const { merchantCache, ledger } = this.shared;
    const read = (this.snapshot as StateSnapshot).merchants;
    const merchants = new Map<string, MerchantState>();
    for (const id of this.merchantIds) {
      const fields = read.get(id);
      if (fields !== undefined) {
        const merchant = MerchantState.fromFields(ledger.withMissed(this.merchantRead as number, id, fields));
        merchantCache.set(id, merchant);
        merchants.set(id, merchant);
      } else {
        merchants.set(id, merchantCache.fresh(id) ?? (this.cachedMerchants.get(id) as MerchantState));
      }
    }
    ledger.readDone(this.merchantRead as number);
    return merchants;
  }

  /**
   * The events after their partition's stored position (those at or before it were applied already: a
   * redelivery), partition after partition: each partition's in order, which is all features need.
   */
  fresh(): PositionedEvent[] {
    this.freshParts = this.parts.map(({ topic, partition, events }, i) => {
      const position = this.storedPosition(i);
      if (position !== (this.snapshot as StateSnapshot).positions[i])
        this.shared.logger.warn(
          { topic, partition, stored: (this.snapshot as StateSnapshot).positions[i] },
          'the stored position is an offset of another bus engine (BUS_URL changed): ignored',
        );
      const fresh = position === null ? events : events.filter((e) => compareOffsets(e.offset, position) > 0);
      metrics.redelivered.inc(events.length - fresh.length);
      return fresh;
    });
    return this.freshParts.length === 1 ? this.freshParts[0] : this.freshParts.flat();
  }

  /**
   * What the batch changed, to store with the partition's new position: its users' new log lines or
   * snapshots, its merchant increments (taken now, so each batch stores exactly its own), its
   * transactions (their scores' marks, the evaluation's counts and the users' latest scores are added once scored). Keys' TTLs are
   * set when this instance has not set them for a day (users) or when the batch read the merchant (at
   * most every SCORING_MERCHANT_REFRESH_MS), which is also when a merchant's expired buckets are deleted.
   */
  changes(
    fresh: PositionedEvent[],
    batch: ScoredBatch,
    users: Map<string, UserState>,
    merchants: Map<string, MerchantState>,
    disputed: Disputed,
  ): StateChanges {
    const { cache, ledger, models } = this.shared;
    const snapshot = this.snapshot as StateSnapshot;
    const chargebacks = new Set(batch.labels.map((chargeback) => chargeback.eventId));
    const latest = fresh.reduce((max, e) => Math.max(max, e.event.time), 0);
    const labelDelayMs = models.featureConfig.labelDelayMs;
    const expirySetSince = Date.now() - EXPIRY_REFRESH_MS;
    const changes: StateChanges = {
      positions: this.parts.flatMap(({ topic, partition }, i): PositionChange[] => {
        const events = this.freshParts[i];
        return events.length > 0 ? [{ topic, partition, lastOffset: events[events.length - 1].offset, readPosition: snapshot.positions[i] }] : [];
      }),
      users: [...users].flatMap(([userId, user]) => {
        if (!user.changed) return [];
        const stored = user.storedForm();
        return [{ userId, ...stored, expire: !stored.append || !cache.expirySetSince(userId, expirySetSince) }];
      }),
      merchants: [...merchants].map(([merchantId, merchant]) => {
        const read = snapshot.merchants.has(merchantId);
        return {
          merchantId,
          increments: merchant.takeIncrements(),
          expired: read && latest > 0 ? merchant.expiredFields(latest, labelDelayMs) : [],
          expire: read,
        };
      }),
      transactions: [
        // A copy of a transaction applied lately would store its facts again without its score's mark.
        ...batch.events.flatMap(({ event, fate }) =>
          event.type === 'transaction' && fate !== 'duplicate'
            ? [{ eventId: event.eventId, facts: disputed.inBatch.get(event.eventId) ?? transactionFactsOf(event), scored: null }]
            : [],
        ),
        // Earlier batches' transactions this batch's chargebacks disputed first: stored again, marked so.
        ...[...disputed.stored.values()].filter((t) => t.facts.disputedBy !== undefined && chargebacks.has(t.facts.disputedBy)),
      ],
      evaluation: [],
      recentScores: [],
      recentScoreLimit: this.shared.recentScoreLimit,
      // Wall-clock expiry for idle keys, set at least daily while they are written (so ≥ 30 days after
      // the last write); windows themselves expire by event time.
      userTtlMs: 31 * DAY,
      merchantTtlMs: 31 * DAY + labelDelayMs,
      // Wall-clock expiry past the event-time horizon resolveChargeback applies: a replay of recent weeks finds them still.
      transactionTtlMs: models.featureConfig.disputeHorizonMs + DAY,
    };
    this.increments = ledger.taken(new Map(changes.merchants.map((m) => [m.merchantId, m.increments])));
    return changes;
  }

  /**
   * One script call: the changes (none when every event was a redelivery) and the partitions' new positions,
   * atomically, with the call's outputs (scores, alerts) or after they were published (WindowStateRepository).
   */
  async store(changes: StateChanges | null, outputs: TopicRecords[]): Promise<void> {
    const { cache, ledger, written, repository } = this.shared;
    if (changes) {
      const planned = await repository.publishOrPlan(outputs);
      ledger.writeSent(this.increments as LedgerEntry); // the write goes out on this tick
      await repository.write(changes, planned);
      ledger.settled(this.increments as LedgerEntry, true);
      for (const user of changes.users) if (user.expire) cache.expirySet(user.userId, Date.now());
    }
    this.partitionKeys.forEach((key, i) => {
      const fresh = this.freshParts[i];
      written.set(key, fresh.length > 0 ? fresh[fresh.length - 1].offset : (this.storedPosition(i) as string));
    });
  }

  /** In-memory state may hold changes that never reached Redis: these users and merchants are read again next time. */
  abandon(): void {
    const { cache, merchantCache, ledger, written } = this.shared;
    for (const userId of this.userIds) cache.delete(userId);
    for (const merchantId of this.merchantIds) merchantCache.delete(merchantId);
    for (const key of this.partitionKeys) written.delete(key);
    if (this.increments && !this.increments.stored) ledger.settled(this.increments, false);
  }

  close(): void {
    if (this.merchantRead !== null) this.shared.ledger.readDone(this.merchantRead);
  }

  /** Partition i's stored position, when it is an offset of this bus engine. */
  private storedPosition(i: number): string | null {
    return positionOnThisBus((this.snapshot as StateSnapshot).positions[i], this.parts[i].events[0].offset);
  }
}

/** What `lookup` holds of `ids`. */
function found<T>(ids: string[], lookup: (id: string) => T | undefined): Map<string, T> {
  const out = new Map<string, T>();
  for (const id of ids) {
    const value = lookup(id);
    if (value !== undefined) out.set(id, value);
  }
  return out;
}
