import type { Consumer as KafkaJsConsumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { BusLogger } from '../bus-logger';
import { busMetrics } from '../bus.metrics';
import { partitionProgress } from '../partition-progress';
import { DEFAULT_MAX_BATCH_SIZE, type ConsumeOptions, type Consumer, type OutgoingRecord, type RecordBatch } from '../bus.port';
import { processBatch, processBatchesTogether, type BatchProcessingContext } from '../process-batch';
import { fromKafkaMessage } from './kafka-record';

export interface KafkaConsumerSettings {
  /** Longest a fetch waits for data; kafkajs' default of 5 s is the latency floor otherwise. */
  maxWaitMs: number;
  /** Bytes one fetch may return per partition: with maxBatchSize, the in-flight bound. */
  maxBytesPerPartition: number;
  /**
   * Processed offsets are committed at most this often (and always at stop). kafkajs' autoCommit
   * would commit after every partition's batch, one broker round trip each, on the latency path.
   * A crash re-delivers at most this much work, which idempotent handlers absorb.
   */
  commitIntervalMs: number;
}

const SESSION_TIMEOUT_MS = 30_000;
export const MAX_ACCUMULATE_WAIT_MS = 20_000;

/** A consumer group on kafkajs: eachBatch, offsets resolved only after the handler and its dead letters succeeded. */
export class KafkaConsumer implements Consumer {
  private stopping = false;
  private readonly consumer: KafkaJsConsumer;
  /** Batches being handled (one per partition at most): stop() waits for them. */
  private readonly batchesInHand = new Set<Promise<void>>();
  /** The batches kafkajs has handed over in this turn of the event loop (one fetch's), not yet handled. */
  private gathered: Gathered[] | null = null;
  /** The last fetch's handover: the next one waits for it. */
  private handingOver: Promise<void> = Promise.resolve();
  /** Next offset to read per topic/partition, as processed by this member: what stop() commits. */
  private readonly processed = new Map<string, { topic: string; partition: number; offset: string }>();
  /** The assignment of the last rebalance, and its partitions no batch has yet succeeded on (RecordBatch.newlyAssigned). */
  private assigned = new Set<string>();
  private readonly newlyAssigned = new Set<string>();
  private memberId = '';

  constructor(
    kafka: Kafka,
    private readonly options: ConsumeOptions,
    private readonly publish: (topic: string, records: OutgoingRecord[]) => Promise<void>,
    private readonly logger: BusLogger,
    private readonly settings: KafkaConsumerSettings,
  ) {
    // Accumulating is the broker's own fetch.min.bytes/fetch.max.wait.ms; a partition's share must
    // be able to reach minBytes alone, or a single busy partition would always wait the full time.
    const accumulate = options.accumulate;
    // kafkajs heartbeats between fetches: a fetch waiting longer than the session would cost the membership.
    if (accumulate && accumulate.maxWaitMs > MAX_ACCUMULATE_WAIT_MS)
      throw new Error(`accumulate.maxWaitMs must be at most ${MAX_ACCUMULATE_WAIT_MS} on Kafka (session timeout ${SESSION_TIMEOUT_MS} ms)`);
    const maxBytesPerPartition = Math.max(settings.maxBytesPerPartition, accumulate?.minBytes ?? 0);
    this.consumer = kafka.consumer({
      groupId: options.group,
      maxWaitTimeInMs: accumulate?.maxWaitMs ?? settings.maxWaitMs,
      minBytes: accumulate?.minBytes ?? 1,
      maxBytesPerPartition,
      maxBytes: maxBytesPerPartition * (accumulate ? 2 : 8),
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
    });
  }

  async start(): Promise<void> {
    // After a rebalance, forget positions of partitions this member lost: committing them at stop
    // could move their new owner back (the broker takes commits for any partition from any member).
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const [key, position] of this.processed) {
        if (!payload.memberAssignment[position.topic]?.includes(position.partition)) this.processed.delete(key);
      }
      // kafkajs rebalances eagerly: a partition this member held before and after a rebalance was no
      // other member's in between; one it did not hold may have moved on elsewhere. A new member id
      // means this member was out of the group (its session lapsed): then everything may have moved.
      if (payload.memberId !== this.memberId) this.assigned = new Set();
      this.memberId = payload.memberId;
      const assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => partitionKey(topic, partition))),
      );
      for (const key of this.newlyAssigned) if (!assigned.has(key)) this.newlyAssigned.delete(key);
      for (const key of assigned) if (!this.assigned.has(key)) this.newlyAssigned.add(key);
      this.assigned = assigned;
    });
    this.consumer.on(this.consumer.events.CRASH, (event) =>
      this.logger.error({ group: this.options.group, err: event.payload.error, restart: event.payload.restart }, 'kafka consumer crashed'),
    );
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    // Offsets are resolved only after the handler and its dead letters succeeded; kafkajs then
    // commits resolved offsets when commitOffsetsIfNecessary() finds the interval has passed.
    await this.consumer.run({
      autoCommit: false,
      autoCommitInterval: this.settings.commitIntervalMs,
      eachBatchAutoResolve: false,
      // Every batch of a fetch at once (handOver then chooses what runs together or at once); kafkajs
      // never hands one partition's batches over concurrently, so per-partition order holds.
      partitionsConsumedConcurrently: BATCHES_HANDED_AT_ONCE,
      eachBatch: (payload) => {
        const inHand = this.gather(payload);
        this.batchesInHand.add(inHand);
        return inHand.finally(() => this.batchesInHand.delete(inHand));
      },
    });
  }

  /** Waits for the batches in hand, then commits every position this member processed (the last ones may be within the interval). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.batchesInHand]);
    if (this.processed.size > 0) {
      await this.consumer
        .commitOffsets([...this.processed.values()])
        .catch((err) => this.logger.warn({ err, group: this.options.group }, 'final offset commit failed; the last records will be re-delivered'));
    }
    await this.consumer.disconnect();
    partitionProgress.forget(this.options.group);
  }

  /**
   * kafkajs hands a fetch's batches to its workers in one turn of the event loop: they are gathered
   * until the next, and handed over together (handOver), one fetch after another.
   */
  private gather(payload: EachBatchPayload): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.gathered) {
        this.gathered = [];
        setImmediate(() => {
          const gathered = this.gathered ?? [];
          this.gathered = null;
          // A failure outside the handler (a commit refused mid-rebalance) fails the batches still unsettled.
          this.handingOver = this.handingOver.then(() => this.handOver(gathered)).catch((error: unknown) => gathered.forEach(({ reject }) => reject(error)));
        });
      }
      this.gathered.push({ payload, resolve, reject });
    });
  }

  /**
   * One fetch's batches, as Redis Streams hands a read's (docs/bus.md): in one handleTogether call when the
   * group has one and they make at most one batch in all; else each partition's through the handler,
   * one at a time while keeping up, so each batch is done soonest, and up to `concurrentPartitions` at
   * once when behind (a fetch filled a batch, or left a batch's worth in the partition: fetches stop at
   * maxBytesPerPartition). Each batch's promise settles with its own outcome.
   */
  private async handOver(gathered: Gathered[]): Promise<void> {
    if (await this.handOverTogether(gathered)) {
      for (const { resolve } of gathered) resolve();
      return;
    }
    const maxBatchSize = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const behind = gathered.some(({ payload: { batch } }) => batch.messages.length >= maxBatchSize || Number(batch.offsetLag()) >= maxBatchSize);
    const concurrency = behind ? Math.max(1, this.options.concurrentPartitions ?? 1) : 1;
    for (let from = 0; from < gathered.length; from += concurrency) {
      await Promise.allSettled(gathered.slice(from, from + concurrency).map(({ payload, resolve, reject }) => this.eachBatch(payload).then(resolve, reject)));
    }
  }

  /**
   * The batches in one handleTogether call (processBatchesTogether), when the group has one, there are
   * several and they make at most maxBatchSize records in all; their offsets resolved. False when they
   * were not handled so (or the call failed): then each goes through the handler, with its retries.
   */
  private async handOverTogether(gathered: Gathered[]): Promise<boolean> {
    if (!this.options.handleTogether || gathered.length < 2 || this.stopping) return false;
    const payloads = gathered.map(({ payload }) => payload);
    if (payloads.reduce((sum, { batch }) => sum + batch.messages.length, 0) > (this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE)) return false;
    if (payloads.some(({ isRunning, isStale }) => !isRunning() || isStale())) return false;
    const [{ isRunning, heartbeat, commitOffsetsIfNecessary }] = payloads;
    const batches = payloads.map(({ batch }) => this.recordBatch(batch, batch.messages));
    const done = await processBatchesTogether(batches, this.processing(isRunning, heartbeat));
    if (!done) return false;
    for (const payload of payloads) this.batchDone(payload, payload.batch.messages[payload.batch.messages.length - 1].offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
    return true;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } = payload;
    const maxBatchSize = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const messages = batch.messages;

    for (let start = 0; start < messages.length; start += maxBatchSize) {
      if (!isRunning() || isStale() || this.stopping) return;
      const chunk = messages.slice(start, start + maxBatchSize);
      const done = await processBatch(this.recordBatch(batch, chunk), this.processing(isRunning, heartbeat));
      if (!done) return;
      this.batchDone(payload, chunk[chunk.length - 1].offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  /** The bus's batch of a partition's `messages` (all of kafkajs' batch, or a chunk of it). */
  private recordBatch(batch: EachBatchPayload['batch'], messages: EachBatchPayload['batch']['messages']): RecordBatch {
    const { topic, partition } = batch;
    return {
      topic,
      partition,
      records: messages.map((m) => fromKafkaMessage(topic, partition, m)),
      newlyAssigned: this.newlyAssigned.has(partitionKey(topic, partition)),
    };
  }

  /** A batch handled up to `lastOffset`: resolved (committed at the next interval), kept for stop(), its lag measured. */
  private batchDone({ batch, resolveOffset }: EachBatchPayload, lastOffset: string): void {
    const key = partitionKey(batch.topic, batch.partition);
    this.newlyAssigned.delete(key);
    resolveOffset(lastOffset);
    this.processed.set(key, { topic: batch.topic, partition: batch.partition, offset: String(Number(lastOffset) + 1) });
    const lag = Math.max(0, Number(batch.highWatermark) - Number(lastOffset) - 1);
    busMetrics.lag.set({ engine: 'kafka', group: this.options.group, topic: batch.topic, partition: String(batch.partition) }, lag);
    partitionProgress.lagMeasured('kafka', this.options.group, batch.topic, batch.partition, lag);
  }

  private processing(isRunning: () => boolean, heartbeat: () => Promise<void>): BatchProcessingContext {
    return {
      engine: 'kafka',
      options: this.options,
      logger: this.logger,
      publish: this.publish,
      isStopping: () => this.stopping || !isRunning(),
      wait: (ms) => this.waitWithHeartbeat(ms, heartbeat),
    };
  }

  private async waitWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    for (let left = ms; left > 0 && !this.stopping; left -= 1000) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 1000)));
      await heartbeat().catch(() => undefined);
    }
  }
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** A batch kafkajs handed over, and how its eachBatch call settles. */
interface Gathered {
  payload: EachBatchPayload;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * kafkajs' workers (partitionsConsumedConcurrently): enough that a fetch's batches reach eachBatch at once,
 * for this member's partitions up to this many; how many run at once is handOver's choice.
 */
const BATCHES_HANDED_AT_ONCE = 64;
