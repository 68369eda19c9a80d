import { randomBytes } from 'node:crypto';

/** Where integration tests find the real servers; scripts/test.sh exports these. */
export const testEnv = {
  kafkaBrokers: process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15',
  postgresUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};

export const busUrlsUnderTest = [
  ['kafka', `kafka://${testEnv.kafkaBrokers}`],
  ['redis', testEnv.redisUrl],
] as const;

/** A name no other test (or earlier run) uses, so tests own their topics, groups and keys. */
export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
