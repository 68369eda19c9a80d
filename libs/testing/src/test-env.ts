import { randomBytes } from 'node:crypto';
import type { KafkaSettings } from '@app/bus';

/** Where integration tests find the real servers; scripts/test.sh exports these. */
export const testEnv = {
  kafkaBrokers: process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15',
  postgresUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};

/** The user scripts/kafka.sh gives a SASL_SSL listener (KAFKA_SASL_SSL_PORT) unless told otherwise. */
export const SECURED_KAFKA_USER = { username: 'sentinel', password: 'sentinel-secret' };

/** How tests reach a SASL_SSL listener of scripts/kafka.sh: SCRAM-SHA-512, trusting the CA it made. */
export const securedKafkaSettings = (caFile: string, mechanism = 'scram-sha-512'): KafkaSettings => ({
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: SECURED_KAFKA_USER.username,
  KAFKA_SASL_PASSWORD: SECURED_KAFKA_USER.password,
  KAFKA_SSL_CA_FILE: caFile,
});

/**
 * The shared broker's SASL_SSL listener, which scripts/test.sh opens (TEST_KAFKA_SASL_SSL_URL, its CA
 * in TEST_KAFKA_SSL_CA_FILE): the bus contract suite runs over it as well as over plaintext.
 */
export const securedKafkaUnderTest: Array<[string, string, KafkaSettings]> =
  process.env.TEST_KAFKA_SASL_SSL_URL && process.env.TEST_KAFKA_SSL_CA_FILE
    ? [['kafka over SASL_SSL', process.env.TEST_KAFKA_SASL_SSL_URL, securedKafkaSettings(process.env.TEST_KAFKA_SSL_CA_FILE)]]
    : [];

export const busUrlsUnderTest = [
  ['kafka', `kafka://${testEnv.kafkaBrokers}`],
  ['redis', testEnv.redisUrl],
] as const;

/** A name no other test (or earlier run) uses, so tests own their topics, groups and keys. */
export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
