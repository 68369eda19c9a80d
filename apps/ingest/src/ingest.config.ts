import { redisEnv, serviceEnv } from '@app/platform';
import type { z } from 'zod';

export const ingestEnv = serviceEnv(3001).merge(redisEnv);

export type IngestConfig = z.infer<typeof ingestEnv>;
