import { postgresEnv, serviceEnv } from '@app/platform';
import type { z } from 'zod';

export const alertsEnv = serviceEnv(3004).merge(postgresEnv);

export type AlertsConfig = z.infer<typeof alertsEnv>;
