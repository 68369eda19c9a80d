import { z } from 'zod';
import { parseBusUrl } from '@app/bus';

/** A comma-separated list setting (blanks around items ignored). */
export const commaList = z
  .string()
  .transform((s) => s.split(',').map((item) => item.trim()).filter(Boolean));

/** An on/off setting: true/false, 1/0, yes/no (z.coerce.boolean would read "false" as true). */
export const booleanFlag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { errorMap: () => ({ message: 'must be true or false' }) })
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Settings every service reads. Each service extends this with its own (see redisEnv, postgresEnv). */
export const serviceEnv = (defaultPort: number) =>
  z.object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
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
    BUS_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits and . _ -').default(''),
    /** Partitions each topic is created with: the unit of parallelism on Kafka. */
    BUS_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(4),
    /** Bearer keys accepted on business endpoints. Never logged. */
    API_KEYS: commaList.refine((keys) => keys.length > 0, 'must list at least one key (comma-separated)').refine((keys) => keys.every((k) => k.length >= 8), 'every key must be at least 8 characters'),
    /** Longest a graceful shutdown may take before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).default(25_000),
  });

export const redisEnv = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\/.+/, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
});

export const postgresEnv = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL').default('postgres://postgres@127.0.0.1:5432/sentinel'),
});

export type ServiceEnv = z.infer<ReturnType<typeof serviceEnv>>;
