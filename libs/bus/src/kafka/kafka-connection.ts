import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** How to reach the brokers. Plain data: it crosses to the producer threads as it is. */
export interface KafkaConnection {
  brokers: string[];
  /** TLS (BUS_URL `kafka+ssl://`), with PEM contents; no `ca`: the system's CAs. */
  tls?: { ca?: string; cert?: string; key?: string };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

/** Where the KAFKA_* settings come from: a service's validated config, or a tool's environment. */
export interface KafkaSettings {
  KAFKA_SASL_MECHANISM?: string;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SSL_CERT_FILE?: string;
  KAFKA_SSL_KEY_FILE?: string;
  KAFKA_REPLICATION_FACTOR?: string | number;
  KAFKA_MIN_INSYNC_REPLICAS?: string | number;
  KAFKA_PRODUCER_THREADS?: string | number;
}

/** What new topics are created with; unset: the cluster's defaults. */
export interface KafkaTopicSettings {
  replicationFactor?: number;
  minInsyncReplicas?: number;
}

const readPem = (file: string | undefined) => (file ? readFileSync(file, 'utf8') : undefined);
const positive = (value: string | number | undefined) => (value === undefined || value === '' ? undefined : Number(value));

/** The connection `brokers` need over TLS (or not) with the settings' SASL credentials and certificates. */
export function kafkaConnection(brokers: string[], tls: boolean, settings: KafkaSettings): KafkaConnection {
  const mechanism = settings.KAFKA_SASL_MECHANISM?.toLowerCase();
  if (mechanism && !(SASL_MECHANISMS as readonly string[]).includes(mechanism))
    throw new Error(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}`);
  if (mechanism && !(settings.KAFKA_SASL_USERNAME && settings.KAFKA_SASL_PASSWORD))
    throw new Error('KAFKA_SASL_MECHANISM is set: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required');
  return {
    brokers,
    ...(tls
      ? { tls: { ca: readPem(settings.KAFKA_SSL_CA_FILE), cert: readPem(settings.KAFKA_SSL_CERT_FILE), key: readPem(settings.KAFKA_SSL_KEY_FILE) } }
      : {}),
    ...(mechanism ? { sasl: { mechanism: mechanism as SaslMechanism, username: settings.KAFKA_SASL_USERNAME!, password: settings.KAFKA_SASL_PASSWORD! } } : {}),
  };
}

export function kafkaTopicSettings(settings: KafkaSettings): KafkaTopicSettings {
  return { replicationFactor: positive(settings.KAFKA_REPLICATION_FACTOR), minInsyncReplicas: positive(settings.KAFKA_MIN_INSYNC_REPLICAS) };
}

/** kafkajs' options for the connection: certificates are checked against the CA, never skipped. */
export function kafkaClientOptions(connection: KafkaConnection): Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'> {
  const tls = connection.tls && Object.fromEntries(Object.entries(connection.tls).filter(([, pem]) => pem !== undefined));
  return {
    brokers: connection.brokers,
    ...(tls ? { ssl: { ...tls, rejectUnauthorized: true } } : {}),
    ...(connection.sasl ? { sasl: connection.sasl as SASLOptions } : {}),
  };
}
