import { booleanFlag, postgresEnv, serviceEnv } from '@app/platform';
import type { z } from 'zod';

export const profileApiEnv = serviceEnv(3003)
  .merge(postgresEnv)
  .extend({
    /** Whether this instance folds the stream (consumer group profile-api); false for read-only API replicas. */
    PROFILE_CONSUMER: booleanFlag(true),
  });

export type ProfileApiConfig = z.infer<typeof profileApiEnv>;
