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
  /** Kafka only: producer threads (see docs/bus.md for the throughput/latency trade). */
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
  return address.engine === 'kafka'
    ? new KafkaBus({
        connection: kafkaConnection(address.brokers, address.tls, kafka),
        topics: kafkaTopicSettings(kafka),
        clientId,
        logger,
        producerThreads,
        transientRetryBudgetMs,
      })
    : new RedisStreamsBus({ url: address.url, logger, transientRetryBudgetMs, retentionMs });
}
