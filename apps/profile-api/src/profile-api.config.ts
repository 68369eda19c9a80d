import { booleanFlag, postgresEnv, serviceEnv } from '@app/platform';
import { z } from 'zod';

export const profileApiEnv = serviceEnv(3003)
  .merge(postgresEnv)
  .extend({
    /** Whether this instance folds the stream (consumer group profile-api); false for read-only API replicas. */
    PROFILE_CONSUMER: booleanFlag(true),
    /**
     * How long records may gather before they are folded in one transaction per partition: profiles lag
     * the stream by up to this much, and in exchange a trickle of traffic costs a few transactions a
     * second rather than one per arriving record. A busy stream fills batches sooner.
     */
    PROFILE_FOLD_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(200),
    /**
     * Profiles of users folded lately kept in memory, so a batch reads only the others from Postgres
     * (a few kB each: 20,000 hold ~50 MB); 0 reads every one.
     */
    PROFILE_CACHE_USERS: z.coerce.number().int().min(0).max(1_000_000).default(20_000),
  });

export type ProfileApiConfig = z.infer<typeof profileApiEnv>;
