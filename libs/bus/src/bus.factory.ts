import type { BusLogger } from './bus-logger';
import type { MessageBus } from './bus.port';
import { parseBusUrl } from './bus-url';
import { KafkaBus } from './kafka/kafka.bus';
import { RedisStreamsBus } from './redis/redis-streams.bus';

export interface CreateBusOptions {
  url: string;
  clientId: string;
  logger: BusLogger;
}

export function createBus({ url, clientId, logger }: CreateBusOptions): MessageBus {
  const address = parseBusUrl(url);
  return address.engine === 'kafka'
    ? new KafkaBus({ brokers: address.brokers, clientId, logger })
    : new RedisStreamsBus({ url: address.url, logger });
}
