import type { Consumer as KafkaJsConsumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { BusLogger } from '../bus-logger';
import { busMetrics } from '../bus.metrics';
import { partitionProgress } from '../partition-progress';
import { DEFAULT_MAX_BATCH_SIZE, type ConsumeOptions, type Consumer, type OutgoingRecord } from '../bus.port';
import { processBatch } from '../process-batch';
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
  /** Batches being handled (one per partition at most, `concurrentPartitions` in all): stop() waits for them. */
  private readonly batchesInHand = new Set<Promise<void>>();
  /** The last batch handed over while keeping up: the next one waits for it. */
  private keepingUp: Promise<void> = Promise.resolve();
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
      // kafkajs never hands one partition's batches over concurrently: per-partition order holds.
      partitionsConsumedConcurrently: Math.max(1, this.options.concurrentPartitions ?? 1),
      eachBatch: (payload) => {
        const inHand = this.handInTurn(payload);
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
   * Keeping up, partitions are handled one at a time, so each batch is done soonest; behind (the fetch
   * filled a batch, or left a batch's worth in the partition: fetches stop at maxBytesPerPartition), up
   * to `concurrentPartitions` at once (as on Redis Streams, docs/bus.md).
   */
  private handInTurn(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const maxBatchSize = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const behind = batch.messages.length >= maxBatchSize || Number(batch.offsetLag()) >= maxBatchSize;
    if (behind) return this.eachBatch(payload);
    const inTurn = this.keepingUp.then(() => this.eachBatch(payload));
    this.keepingUp = inTurn.catch(() => undefined);
    return inTurn;
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const maxBatchSize = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const messages = batch.messages;

    for (let start = 0; start < messages.length; start += maxBatchSize) {
      if (!isRunning() || isStale() || this.stopping) return;
      const chunk = messages.slice(start, start + maxBatchSize);
      const records = chunk.map((m) => fromKafkaMessage(batch.topic, batch.partition, m));
      const key = partitionKey(batch.topic, batch.partition);
      const done = await processBatch(
        { topic: batch.topic, partition: batch.partition, records, newlyAssigned: this.newlyAssigned.has(key) },
        {
          engine: 'kafka',
          options: this.options,
          logger: this.logger,
          publish: this.publish,
          isStopping: () => this.stopping || !isRunning(),
          wait: (ms) => this.waitWithHeartbeat(ms, heartbeat),
        },
      );
      if (!done) return;
      this.newlyAssigned.delete(key);
      const lastOffset = chunk[chunk.length - 1].offset;
      resolveOffset(lastOffset);
      this.processed.set(key, { topic: batch.topic, partition: batch.partition, offset: String(Number(lastOffset) + 1) });
      await commitOffsetsIfNecessary();
      const lag = Math.max(0, Number(batch.highWatermark) - Number(lastOffset) - 1);
      busMetrics.lag.set({ engine: 'kafka', group: this.options.group, topic: batch.topic, partition: String(batch.partition) }, lag);
      partitionProgress.lagMeasured('kafka', this.options.group, batch.topic, batch.partition, lag);
      await heartbeat();
    }
  }

  private async waitWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    for (let left = ms; left > 0 && !this.stopping; left -= 1000) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 1000)));
      await heartbeat().catch(() => undefined);
    }
  }
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
