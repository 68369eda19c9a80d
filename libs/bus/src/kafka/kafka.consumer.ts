import type { Consumer as KafkaJsConsumer, EachBatchPayload, Kafka } from 'kafkajs';
import { runBatch } from '../batch-runner';
import type { BusLogger } from '../bus-logger';
import { busMetrics } from '../bus.metrics';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_BATCH_SIZE, type ConsumeOptions, type Consumer } from '../bus.port';
import type { DeadLetter } from '../dead-letter';
import { fromKafkaMessage } from './kafka-record';

export interface KafkaConsumerSettings {
  /** Longest a fetch waits for data; kafkajs' default of 5 s is the latency floor otherwise. */
  maxWaitMs: number;
  /** Bytes one fetch may return per partition: with maxBatchSize, the in-flight bound. */
  maxBytesPerPartition: number;
}

/** A consumer group on kafkajs: eachBatch, offsets resolved only after the handler and its dead letters succeeded. */
export class KafkaConsumer implements Consumer {
  private stopping = false;
  private readonly consumer: KafkaJsConsumer;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumeOptions,
    private readonly publishDeadLetters: (letters: DeadLetter[], group: string) => Promise<void>,
    private readonly logger: BusLogger,
    settings: KafkaConsumerSettings,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.group,
      maxWaitTimeInMs: settings.maxWaitMs,
      minBytes: 1,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      maxBytes: settings.maxBytesPerPartition * 8,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
    });
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.CRASH, (event) =>
      this.logger.error({ group: this.options.group, err: event.payload.error, restart: event.payload.restart }, 'kafka consumer crashed'),
    );
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    // autoCommit with eachBatchAutoResolve=false: kafkajs commits, after each eachBatch call,
    // exactly the offsets we resolved, and once more while stopping.
    await this.consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch: (payload) => this.eachBatch(payload) });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer.disconnect();
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { group, handler } = this.options;
    const maxBatchSize = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const labels = { engine: 'kafka', group, topic: batch.topic };
    const messages = batch.messages;

    for (let start = 0; start < messages.length; start += maxBatchSize) {
      if (!isRunning() || isStale() || this.stopping) return;
      const chunk = messages.slice(start, start + maxBatchSize);
      const records = chunk.map((m) => fromKafkaMessage(batch.topic, batch.partition, m));
      const timer = busMetrics.handlerSeconds.startTimer(labels);
      const outcome = await runBatch({ topic: batch.topic, partition: batch.partition, records }, handler, {
        maxAttempts: this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        isStopping: () => this.stopping || !isRunning(),
        wait: (ms) => this.waitWithHeartbeat(ms, heartbeat),
        onFailure: (err, size, attempt) => {
          busMetrics.handlerFailures.inc(labels);
          this.logger.warn({ err, group, topic: batch.topic, partition: batch.partition, records: size, attempt }, 'batch handler failed; retrying');
        },
      });
      if (outcome.status === 'aborted') return;
      if (outcome.deadLetters.length > 0) {
        await this.publishDeadLetters(outcome.deadLetters, group);
        busMetrics.deadLettered.inc(labels, outcome.deadLetters.length);
      }
      resolveOffset(chunk[chunk.length - 1].offset);
      timer();
      busMetrics.consumed.inc(labels, chunk.length);
      busMetrics.lag.set({ ...labels, partition: String(batch.partition) }, Math.max(0, Number(batch.highWatermark) - Number(chunk[chunk.length - 1].offset) - 1));
      if (start + maxBatchSize < messages.length) await commitOffsetsIfNecessary();
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
