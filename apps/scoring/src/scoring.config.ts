import { redisEnv, serviceEnv } from '@app/platform';
import type { z } from 'zod';

export const scoringEnv = serviceEnv(3002).merge(redisEnv);

export type ScoringConfig = z.infer<typeof scoringEnv>;
