import { postgresEnv, serviceEnv } from '@app/platform';
import type { z } from 'zod';

export const profileApiEnv = serviceEnv(3003).merge(postgresEnv);

export type ProfileApiConfig = z.infer<typeof profileApiEnv>;
