import { serviceEnv } from '@app/platform';
import { z } from 'zod';

export const lakeEnv = serviceEnv(3005).extend({
  /** Where the Parquet files go: events/dt=YYYY-MM-DD/hour=HH/ (docs/lake.md). */
  LAKE_DIR: z.string().min(1).default('./data/lake'),
  /**
   * A lake file is rolled when this many bytes of events (JSON) have gathered, or LAKE_ROLL_INTERVAL_MS
   * after its first event. Bytes are capped below Kafka's 50 MiB fetch limit; the interval below the
   * consumer session (kafkajs heartbeats between fetches).
   */
  LAKE_ROLL_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(48 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  LAKE_ROLL_INTERVAL_MS: z.coerce.number().int().min(50).max(20_000).default(10_000),
});

export type LakeConfig = z.infer<typeof lakeEnv>;
