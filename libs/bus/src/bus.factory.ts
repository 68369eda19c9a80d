import type { BusLogger } from './bus-logger';
import type { MessageBus } from './bus.port';
import { parseBusUrl } from './bus-url';
import { KafkaBus } from './kafka/kafka.bus';
import { kafkaConnection, kafkaTopicSettings, type KafkaSettings } from './kafka/kafka-connection';
import { RedisStreamsBus } from './redis/redis-streams.bus';

export interface CreateBusOptions {
  url: string;
  clientId: string;
  logger: BusLogger;
  /** Kafka only: producer threads, 0 for a producer in the caller's thread (docs/bus.md, "Producers"); unset: KAFKA_PRODUCER_THREADS, else 0. */
  producerThreads?: number;
  /** How long a batch may fail transiently before its records are dead-lettered (default 15 minutes). */
  transientRetryBudgetMs?: number;
  /** Redis Streams only: how long each topic's entries are kept (Kafka: the topics' retention.ms). */
  retentionMs?: (topic: string) => number;
  /**
   * Kafka only: SASL credentials, certificates and topic replication (KAFKA_*). Services pass their
   * validated config; tools and tests default to the environment, so they reach a secured cluster too.
   */
  kafka?: KafkaSettings;
}

export function createBus({ url, clientId, logger, producerThreads, transientRetryBudgetMs, retentionMs, kafka = process.env }: CreateBusOptions): MessageBus {
  const address = parseBusUrl(url);
  const threads = producerThreads ?? Number(kafka.KAFKA_PRODUCER_THREADS || 0);
  if (!Number.isInteger(threads) || threads < 0) throw new Error('KAFKA_PRODUCER_THREADS must be a whole number, 0 or more');
  return address.engine === 'kafka'
    ? new KafkaBus({
        connection: kafkaConnection(address.brokers, address.tls, kafka),
        topics: kafkaTopicSettings(kafka),
        clientId,
        logger,
        producerThreads: threads,
        transientRetryBudgetMs,
      })
    : new RedisStreamsBus({ url: address.url, logger, transientRetryBudgetMs, retentionMs });
}
