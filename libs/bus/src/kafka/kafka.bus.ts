import { Kafka, logLevel, type Admin, type LogEntry } from 'kafkajs';
import type { BusLogger } from '../bus-logger';
import { busMetrics } from '../bus.metrics';
import type { ConsumeOptions, Consumer, MessageBus, OutgoingRecord, RewindPartitionPlan, TopicSpec } from '../bus.port';
import { publishFailure } from '../publish-failure';
import { kafkaClientOptions, type KafkaConnection, type KafkaTopicSettings } from './kafka-connection';
import { KafkaConsumer, type KafkaConsumerSettings } from './kafka.consumer';
import { kafkaLogLevelName } from './kafka-log-level';
import { KafkaProducerPool } from './kafka-producer-pool';
import { KAFKA_RETRY } from './kafka-retry';
import { retryWhile } from './retry-while';
import { noDelaySocketFactory } from './no-delay-socket-factory';

export interface KafkaBusOptions {
  connection: KafkaConnection;
  /** What new topics are created with (replication, min.insync.replicas); unset: the cluster's defaults. */
  topics?: KafkaTopicSettings;
  clientId: string;
  logger: BusLogger;
  /** Producer threads, each an idempotent producer owning a share of the partitions; 0 (the default): one producer in this thread. */
  producerThreads?: number;
  consumer?: Partial<KafkaConsumerSettings>;
  /** Every consumer's transient retry budget unless it sets its own (ConsumeOptions). */
  transientRetryBudgetMs?: number;
}

export class KafkaBus implements MessageBus {
  readonly engine = 'kafka' as const;
  private readonly kafka: Kafka;
  private producers?: KafkaProducerPool;
  private admin?: Promise<Admin>;
  private readonly partitionCounts = new Map<string, Promise<number>>();
  private readonly consumers = new Set<KafkaConsumer>();

  constructor(private readonly options: KafkaBusOptions) {
    const logger = options.logger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      ...kafkaClientOptions(options.connection),
      logLevel: logLevel.WARN,
      socketFactory: noDelaySocketFactory,
      logCreator:
        () =>
        ({ level, log }: LogEntry) => {
          const { message, ...extra } = log;
          logger[kafkaLogLevelName(level)]({ kafka: extra }, message);
        },
      retry: KAFKA_RETRY,
    });
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    this.producerPool().warmUp(); // threads start while topics are created, not on the first publish
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    const { replicationFactor, minInsyncReplicas } = this.options.topics ?? {};
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        ...(replicationFactor ? { replicationFactor } : {}),
        ...(minInsyncReplicas ? { configEntries: [{ name: 'min.insync.replicas', value: String(minInsyncReplicas) }] } : {}),
      })),
    });
    await this.waitForLeaders(
      admin,
      missing.map((s) => s.topic),
    );
  }

  /**
   * kafkajs' own waitForLeaders retries only LEADER_NOT_AVAILABLE, but a KRaft broker's metadata
   * cache may still answer UNKNOWN_TOPIC_OR_PARTITION for a topic created a moment ago.
   */
  private async waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        if (metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        const type = (error as { type?: string }).type;
        if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async publish(topic: string, records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const partitions = await this.partitionCount(topic);
    try {
      await this.producerPool().send(topic, partitions, records);
    } catch (error) {
      throw publishFailure(topic, error);
    }
    busMetrics.published.inc({ engine: this.engine, topic }, records.length);
  }

  async consume(consumeOptions: ConsumeOptions): Promise<Consumer> {
    const options = { transientRetryBudgetMs: this.options.transientRetryBudgetMs, ...consumeOptions };
    await this.partitionCount(options.deadLetterTopic);
    const consumer = new KafkaConsumer(this.kafka, options, (topic, records) => this.publish(topic, records), this.options.logger, {
      maxWaitMs: this.options.consumer?.maxWaitMs ?? 10,
      maxBytesPerPartition: this.options.consumer?.maxBytesPerPartition ?? 1024 * 1024,
      commitIntervalMs: this.options.consumer?.commitIntervalMs ?? 200,
    });
    await consumer.start();
    this.consumers.add(consumer);
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
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
    for (const topic of present) this.partitionCounts.delete(topic);
    // kafkajs keeps refreshing metadata for every topic a producer ever used and fails once one is gone.
    await this.producers?.reset();
  }

  async groupTopics(group: string): Promise<string[]> {
    const admin = await this.getAdmin();
    const offsets = await admin.fetchOffsets({ groupId: group });
    return offsets
      .filter((t) => t.partitions.some((p) => Number(p.offset) >= 0))
      .map((t) => t.topic)
      .sort();
  }

  async ping(): Promise<void> {
    const admin = await this.getAdmin();
    await admin.describeCluster();
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
    await this.producers?.close();
    if (this.admin) await (await this.admin).disconnect();
  }

  private producerPool(): KafkaProducerPool {
    this.producers ??= new KafkaProducerPool({
      connection: this.options.connection,
      clientId: this.options.clientId,
      threads: this.options.producerThreads ?? 0,
      logger: this.options.logger,
    });
    return this.producers;
  }

  /**
   * Partition count of a topic, looked up once per topic (concurrent publishes share the lookup).
   * A topic that does not exist fails at once; a broker that is away is waited for, like a send.
   */
  private partitionCount(topic: string): Promise<number> {
    let lookup = this.partitionCounts.get(topic);
    if (!lookup) {
      lookup = this.lookUpPartitionCount(topic);
      this.partitionCounts.set(topic, lookup);
      lookup.catch(() => this.partitionCounts.delete(topic));
    }
    return lookup;
  }

  private async lookUpPartitionCount(topic: string): Promise<number> {
    const unknownTopic = (error: Error) => (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
    try {
      // kafkajs' admin can fail with a TypeError while the broker is away: tried again like any outage.
      return await retryWhile(
        (error) => !unknownTopic(error),
        async () => {
          const admin = await this.getAdmin();
          const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
          return metadata.topics[0].partitions.length;
        },
      );
    } catch (error) {
      if (unknownTopic(error as Error)) throw new Error(`unknown topic "${topic}": create it with ensureTopics first`);
      throw error;
    }
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
