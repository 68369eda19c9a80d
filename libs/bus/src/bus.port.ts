/**
 * The message-queue port. Services talk to this interface only; `BUS_URL` picks the engine
 * (Kafka or Redis Streams). Semantics every engine keeps (the contract suite proves them):
 * - a record's partition is partitionForKey(key), so records of one key keep their order;
 * - `publish` resolves only once the engine has durably accepted every record;
 * - a consumer group gets batches per partition, in order, and commits a batch only after
 *   its handler succeeded and its dead letters were published (at-least-once);
 * - a record the handler cannot process goes to the dead-letter topic with its reason and
 *   origin and never blocks its partition.
 */

import type { FramePart } from './redis/framed-script';

export type BusEngine = 'kafka' | 'redis';

export interface OutgoingRecord {
  /** The entity whose order matters (usually a userId); null spreads records round-robin. */
  key: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
  /** Event time in ms; defaults to now. Rewind-by-time uses the engine's append time. */
  timestamp?: number;
}

export interface BusRecord {
  topic: string;
  partition: number;
  /** Engine-specific position: a Kafka offset, or a Redis stream entry id. */
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

export interface RecordBatch {
  topic: string;
  partition: number;
  records: BusRecord[];
  /**
   * True for a partition's batches until the first one succeeds after this member was given the
   * partition (at start, or in a rebalance): another member may have worked on it meanwhile, so
   * whatever this member remembers of the partition (files it wrote, where it stood) may be stale.
   */
  newlyAssigned: boolean;
}

export interface BatchContext {
  /** Sends a record to the consumer's dead-letter topic with a reason; it is then committed as done. */
  deadLetter(record: BusRecord, reason: string): void;
}

export type BatchHandler = (batch: RecordBatch, context: BatchContext) => Promise<void>;

/** Several partitions' batches in one call (ConsumeOptions.handleTogether). */
export type BatchesHandler = (batches: RecordBatch[], context: BatchContext) => Promise<void>;

export interface ConsumeOptions {
  group: string;
  topics: string[];
  handler: BatchHandler;
  deadLetterTopic: string;
  /** Most records handed to one handler call (and so held in memory per partition). */
  maxBatchSize?: number;
  /** Attempts of a failing batch before it is split to find the poison record. */
  maxAttempts?: number;
  /** How long a batch may fail transiently before its records are dead-lettered (runBatch); the bus's own setting by default. */
  transientRetryBudgetMs?: number;
  /** A new group starts at the oldest retained record (default) or only sees new ones. */
  fromBeginning?: boolean;
  /**
   * Hands records over in few large batches rather than as soon as they arrive: waits until
   * `minBytes` of record values are available (over all partitions) or `maxWaitMs` has passed,
   * like Kafka's fetch.min.bytes / fetch.max.wait.ms. For sinks that write files. Records are
   * still committed only after the handler returns; raise maxBatchSize so one batch holds them all.
   */
  accumulate?: { minBytes: number; maxWaitMs: number };
  /**
   * How many partitions' batches the handler may work on at once while the consumer is behind (default
   * 1; keeping up, partitions take turns, so each batch is done soonest); each partition's batches
   * still come one at a time, in order. For handlers that wait on a store every batch: while one
   * partition's batch waits, another's is computed. Their per-partition state must stay apart.
   */
  concurrentPartitions?: number;
  /**
   * Handles the batches of several partitions (of any of the topics) in one call where the engine has
   * them at once: Redis Streams gathers every partition of the group in one read; Kafka hands partitions
   * over one at a time, through `handler` only. For handlers whose cost is per call (a transaction, a
   * store's round trips), which at moderate rates a read of a few records per partition multiplies.
   * A call that throws must have changed nothing, or what it changed must be recognised when the records
   * come again (as after any failed batch): each batch is then handled again through `handler`, with its
   * retries and its search for a poison record.
   */
  handleTogether?: BatchesHandler;
}

export interface Consumer {
  /** Finishes the batch in hand, commits it, and leaves the group. On Kafka it also waits out a fetch in flight (up to `accumulate.maxWaitMs`). */
  stop(): Promise<void>;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

export interface RewindPartitionPlan {
  topic: string;
  partition: number;
  /** Where the group will resume. */
  fromOffset: string;
  /** Records between there and where the group had got to, which will be read again. */
  rereadCount: number;
}

/** One topic's records among the outputs a caller writes together (StreamOutbox). */
export interface TopicRecords {
  topic: string;
  records: OutgoingRecord[];
}

/**
 * Redis Streams' transactional outbox, for a caller whose own state is in the bus's Redis: its Lua script
 * appends its output records in the same atomic step as its own writes, so that both happen or neither
 * (as Kafka's transactions make a consumer's outputs and offsets one), in one round trip instead of a
 * publish and then a write. The script embeds `lua`, takes a plan's keys and arguments after its own,
 * and calls `appendOutbox(k, a)` with their first positions before it returns. It must refuse to run
 * twice (ioredis re-sends an unanswered command after a reconnect), as a fence on stored positions does.
 */
export interface StreamOutbox {
  readonly lua: string;
  /** The keys and arguments that append these outputs (records partitioned and packed as publish does). */
  plan(outputs: TopicRecords[]): Promise<{ keys: string[]; args: Array<string | Buffer | FramePart> }>;
  /** Counts the outputs as published, once the script that appended them has succeeded. */
  published(outputs: TopicRecords[]): void;
}

export interface MessageBus {
  readonly engine: BusEngine;
  /** Creates missing topics with the given partition counts; existing topics are left as they are. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  publish(topic: string, records: OutgoingRecord[]): Promise<void>;
  /**
   * Publishes the records whose id this topic has not had within `windowMs` (at least a window, at most
   * two) and remembers their ids, atomically with their append: a copy sent again, or at the same moment
   * by another instance, is dropped. Resolves to each record's fate: true appended, false a copy dropped.
   * Redis Streams only; undefined where the engine cannot (Kafka): the caller dedupes around `publish`.
   */
  publishOnce?(topic: string, records: Array<OutgoingRecord & { id: string }>, windowMs: number): Promise<boolean[]>;
  /** Redis Streams, when `redisUrl` is the bus's own Redis: its outbox (StreamOutbox). Otherwise undefined: publish, then write. */
  outbox?(redisUrl: string): StreamOutbox | undefined;
  consume(options: ConsumeOptions): Promise<Consumer>;
  /** Moves a stopped group back to the first record at or after `from` on every partition of `topic`; dryRun only plans. */
  rewind(group: string, topic: string, from: Date, options?: { dryRun?: boolean }): Promise<RewindPartitionPlan[]>;
  /** Deletes topics and everything in them (benchmarks and tests clean up after themselves). */
  deleteTopics(topics: string[]): Promise<void>;
  /** The topics a consumer group has consumed (has positions on). */
  groupTopics(group: string): Promise<string[]>;
  /** Throws when the engine cannot be reached; used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BATCH_SIZE = 500;
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Rides out a broker or database restart, a failover or a deploy; not an afternoon's outage. */
export const DEFAULT_TRANSIENT_RETRY_BUDGET_MS = 15 * 60_000;
