import { z } from 'zod';
import { existsSync } from 'node:fs';
import { parseBusUrl, SASL_MECHANISMS } from '@app/bus';
import { parseApiKeys } from '../http/api-keys';

/** A file the process can read (a certificate, a key). */
const readableFile = z.string().refine((path) => existsSync(path), 'no such file');

/** A comma-separated list setting (blanks around items ignored). */
export const commaList = z.string().transform((s) =>
  s
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/** An on/off setting: true/false, 1/0, yes/no (z.coerce.boolean would read "false" as true). */
export const booleanFlag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { errorMap: () => ({ message: 'must be true or false' }) })
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Settings every process that serves HTTP reads (the console: nothing more). */
export const httpServiceEnv = (defaultPort: number) =>
  z.object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    /** Longest a graceful shutdown may take before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).default(25_000),
  });

/** Settings every service of the stream reads. Each service extends this with its own (see redisEnv, postgresEnv). */
export const serviceEnv = (defaultPort: number) =>
  httpServiceEnv(defaultPort).extend({
    BUS_URL: z
      .string()
      .default('redis://127.0.0.1:6379')
      .superRefine((url, ctx) => {
        try {
          parseBusUrl(url);
        } catch (error) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
        }
      }),
    /** Prepended to every topic and consumer-group name: lets tests (or tenants) share one bus without sharing either. */
    BUS_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits and . _ -')
      .default(''),
    /** Partitions each topic is created with: the unit of parallelism on Kafka. */
    BUS_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(4),
    /**
     * How long a consumer retries a batch that fails transiently (a store down) before its failing
     * records are dead-lettered with the reason: no failure retries forever, and a restart or failover
     * of a store is ridden out.
     */
    BUS_TRANSIENT_RETRY_BUDGET_S: z.coerce.number().int().min(1).max(86_400).default(900),
    /**
     * How long a consumed partition may stand still (a batch in hand, or records waiting while none is
     * done) before /health/ready answers 503 naming it and bus_consumer_stalled shows it.
     */
    BUS_STALL_AFTER_S: z.coerce.number().int().min(1).max(86_400).default(120),
    /** Kafka: SASL mechanism (managed clusters want one, over TLS: BUS_URL kafka+ssl://); unset: none. */
    KAFKA_SASL_MECHANISM: z.enum(SASL_MECHANISMS).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    /** Never logged. */
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    /** Kafka over TLS: the CA that signed the brokers' certificates (PEM); unset: the system's CAs. */
    KAFKA_SSL_CA_FILE: readableFile.optional(),
    /** Kafka over TLS: a client certificate and its key (PEM), for clusters that ask for one. */
    KAFKA_SSL_CERT_FILE: readableFile.optional(),
    KAFKA_SSL_KEY_FILE: readableFile.optional(),
    /** Kafka: replicas of each topic the services create (a managed cluster's production value is 3); unset: the cluster's default. */
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(16).optional(),
    /** Kafka: min.insync.replicas of each topic the services create (with acks=all, 2 of 3 survives a broker's loss). */
    KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(16).optional(),
    /** Kafka: threads that encode and send the service's records; 0, one producer in the service's own thread (docs/bus.md, "Producers"). */
    KAFKA_PRODUCER_THREADS: z.coerce.number().int().min(0).max(16).default(0),
    /** Redis Streams: hours a topic's entries are kept (Kafka: set the topics' retention.ms). */
    BUS_RETENTION_HOURS: z.coerce.number().positive().default(168),
    /** Redis Streams: per-topic exceptions, `topic=hours` comma-separated, topics named without BUS_TOPIC_PREFIX (`events.raw=24,scores=48`). */
    BUS_TOPIC_RETENTION_HOURS: commaList.default('').transform((items, ctx) => {
      const hours = new Map<string, number>();
      for (const item of items) {
        const [topic, value] = item.split('=');
        if (!topic || !(Number(value) > 0)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${item}" is not topic=hours with hours above 0` });
        else hours.set(topic.trim(), Number(value));
      }
      return hours;
    }),
    /**
     * Bearer keys accepted on business endpoints, each with its scopes: `ingest=K1,profiles=K2,admin+profiles=K3`,
     * `admin=sha256:HEX` (the secret's SHA-256), or a bare `K` with every scope (local development). Never logged.
     */
    API_KEYS: commaList.transform((items, ctx) => {
      const { keys, problems } = parseApiKeys(items);
      for (const message of problems) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return keys;
    }),
  });

export const redisEnv = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
});

export const postgresEnv = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/sentinel'),
  /** Longest wait for a pooled connection (a new one included): an unreachable database answers 503, not a hang. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** Longest a statement may run (Postgres's statement_timeout); migrations run without it. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
});

export type HttpServiceEnv = z.infer<ReturnType<typeof httpServiceEnv>>;
export type ServiceEnv = z.infer<ReturnType<typeof serviceEnv>>;
