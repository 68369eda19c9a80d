export * from './bus.port';
export * from './bus-logger';
export * from './bus-url';
export * from './bus.factory';
export * from './dead-letter';
export * from './transient-error';
export { partitionForKey } from './partitioning/partition-for-key';
export { KafkaBus } from './kafka/kafka.bus';
export { RedisStreamsBus } from './redis/redis-streams.bus';
