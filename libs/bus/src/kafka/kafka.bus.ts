import { Kafka, logLevel, type Admin, type LogEntry, type Message, type Producer } from 'kafkajs';
import type { BusLogger } from '../bus-logger';
import { busMetrics } from '../bus.metrics';
import type { ConsumeOptions, Consumer, MessageBus, OutgoingRecord, RewindPartitionPlan, TopicSpec } from '../bus.port';
import { CoalescingSender } from '../coalescing-sender';
import { RECORD_OVERHEAD_BYTES, SEND_LIMITS, byteLength } from '../send-limits';
import { toDeadLetterRecord, type DeadLetter } from '../dead-letter';
import { partitionForKey } from '../partitioning/partition-for-key';
import { KafkaConsumer, type KafkaConsumerSettings } from './kafka.consumer';
import { noDelaySocketFactory } from './no-delay-socket-factory';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: BusLogger;
  consumer?: Partial<KafkaConsumerSettings>;
}

interface Outgoing {
  topic: string;
  message: Message;
}

const KAFKA_RETRY = { initialRetryTime: 100, maxRetryTime: 2_000, retries: 50 };

const kafkaLogLevelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export class KafkaBus implements MessageBus {
  readonly engine = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private readonly consumers = new Set<KafkaConsumer>();
  private readonly sender = new CoalescingSender<Outgoing>((items) => this.send(items), { ...SEND_LIMITS, weigh: (item) => byteLength(item.message.value) + byteLength(item.message.key) + RECORD_OVERHEAD_BYTES });
  private roundRobin = 0;

  constructor(private readonly options: KafkaBusOptions) {
    const logger = options.logger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      socketFactory: noDelaySocketFactory,
      logCreator: () => ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        logger[kafkaLogLevelNames[level] ?? 'info']({ kafka: extra }, message);
      },
      // Connection-level retries (which the producer's own retries sit on): ride out a broker restart, ~100 s.
      retry: KAFKA_RETRY,
    });
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    await admin.createTopics({ waitForLeaders: true, topics: missing.map((s) => ({ topic: s.topic, numPartitions: s.partitions })) });
  }

  async publish(topic: string, records: OutgoingRecord[]): Promise<void> {
    await this.sender.submit(
      records.map((r) => ({
        topic,
        message: { key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp === undefined ? undefined : String(r.timestamp) },
      })),
    );
    busMetrics.published.inc({ engine: this.engine, topic }, records.length);
  }

  async consume(options: ConsumeOptions): Promise<Consumer> {
    const consumer = new KafkaConsumer(this.kafka, options, (letters, group) => this.publishDeadLetters(options.deadLetterTopic, letters, group), this.options.logger, {
      maxWaitMs: this.options.consumer?.maxWaitMs ?? 10,
      maxBytesPerPartition: this.options.consumer?.maxBytesPerPartition ?? 1024 * 1024,
      commitIntervalMs: this.options.consumer?.commitIntervalMs ?? 200,
    });
    await consumer.start();
    this.consumers.add(consumer);
    return { stop: async () => { this.consumers.delete(consumer); await consumer.stop(); } };
  }

  async rewind(group: string, topic: string, from: Date, options: { dryRun?: boolean } = {}): Promise<RewindPartitionPlan[]> {
    const admin = await this.getAdmin();
    const { groups } = await admin.describeGroups([group]);
    const state = groups[0]?.state;
    if (state && !['Empty', 'Dead', 'Unknown'].includes(state)) {
      throw new Error(`consumer group "${group}" is ${state}: stop or pause its service before rewinding`);
    }
    const targets = await admin.fetchTopicOffsetsByTimestamp(topic, from.getTime());
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const committedByPartition = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
    if (!options.dryRun) await admin.setOffsets({ groupId: group, topic, partitions: targets.map((t) => ({ partition: t.partition, offset: t.offset })) });
    return targets
      .map((t) => {
        const done = committedByPartition.get(t.partition) ?? -1;
        return { topic, partition: t.partition, fromOffset: t.offset, rereadCount: Math.max(0, done - Number(t.offset)) };
      })
      .sort((a, b) => a.partition - b.partition);
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) return;
    await admin.deleteTopics({ topics: present });
    // kafkajs keeps refreshing metadata for every topic a producer ever used and fails once one is gone.
    await this.sender.flush();
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer).disconnect();
  }

  async groupTopics(group: string): Promise<string[]> {
    const admin = await this.getAdmin();
    const offsets = await admin.fetchOffsets({ groupId: group });
    return offsets.filter((t) => t.partitions.some((p) => Number(p.offset) >= 0)).map((t) => t.topic).sort();
  }

  async ping(): Promise<void> {
    const admin = await this.getAdmin();
    await admin.describeCluster();
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    await this.sender.flush();
    if (this.producer) await (await this.producer).disconnect();
    if (this.admin) await (await this.admin).disconnect();
  }

  private async publishDeadLetters(topic: string, letters: DeadLetter[], group: string): Promise<void> {
    await this.publish(topic, letters.map((l) => toDeadLetterRecord(l, group)));
  }

  private async send(items: Outgoing[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of items) {
      const list = byTopic.get(topic);
      if (list) list.push(message);
      else byTopic.set(topic, [message]);
    }
    const producer = await this.getProducer();
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }

  private getProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      // Idempotent with one request in flight: broker-side dedupe of retried batches, order kept.
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Finite, so a publish to a topic that never appears still fails.
        retry: KAFKA_RETRY,
        createPartitioner: () => ({ message, partitionMetadata }) =>
          message.key == null
            ? this.roundRobin++ % partitionMetadata.length
            : partitionForKey(Buffer.isBuffer(message.key) ? message.key.toString('utf8') : message.key, partitionMetadata.length),
      });
      await producer.connect();
      return producer;
    })().catch((error) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  private getAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error) => {
      this.admin = undefined;
      throw error;
    });
    return this.admin;
  }
}
