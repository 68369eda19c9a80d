import type { BusLogger } from './bus-logger';
import type { MessageBus } from './bus.port';
import { parseBusUrl } from './bus-url';
import { KafkaBus } from './kafka/kafka.bus';
import { RedisStreamsBus } from './redis/redis-streams.bus';

export interface CreateBusOptions {
  url: string;
  clientId: string;
  logger: BusLogger;
  /** Kafka only: producer threads (see docs/bus.md for the throughput/latency trade). */
  producerThreads?: number;
}

export function createBus({ url, clientId, logger, producerThreads }: CreateBusOptions): MessageBus {
  const address = parseBusUrl(url);
  return address.engine === 'kafka'
    ? new KafkaBus({ brokers: address.brokers, clientId, logger, producerThreads })
    : new RedisStreamsBus({ url: address.url, logger });
}
