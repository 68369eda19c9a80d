import { postgresEnv, serviceEnv } from '@app/platform';
import { z } from 'zod';

export const alertsEnv = serviceEnv(3004)
  .merge(postgresEnv)
  .extend({
    /**
     * Webhook targets allowed although they resolve to private, loopback or link-local addresses:
     * comma-separated host names, addresses and CIDR ranges (tests and local demos: `localhost,127.0.0.0/8,::1`).
     */
    WEBHOOK_ALLOWED_TARGETS: z.string().default('').transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  });

export type AlertsConfig = z.infer<typeof alertsEnv>;
