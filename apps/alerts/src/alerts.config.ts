import { commaList, postgresEnv, serviceEnv } from '@app/platform';
import { z } from 'zod';
import { DEVELOPMENT_SECRET_KEY, parseSecretKeys } from './signing/secret-box';

export const ALERT_CHANNELS = ['webhooks', 'cases'] as const;
export type AlertChannelName = (typeof ALERT_CHANNELS)[number];

export const alertsEnv = serviceEnv(3004)
  .merge(postgresEnv)
  .extend({
    /** Where alerts go (docs/alerts.md, "Channels"): `webhooks` (stored, and delivered to the registered endpoints) and `cases` (the cases topic). */
    ALERT_CHANNELS: commaList
      .default('webhooks')
      .refine((names) => names.length > 0, 'must name at least one channel')
      .refine(
        (names) => names.every((name) => (ALERT_CHANNELS as readonly string[]).includes(name)),
        `must be a comma-separated list of ${ALERT_CHANNELS.join(', ')}`,
      )
      .transform((names) => [...new Set(names)] as AlertChannelName[]),
    /**
     * Webhook targets allowed although they resolve to private, loopback or link-local addresses:
     * comma-separated host names, addresses and CIDR ranges (tests and local demos: `localhost,127.0.0.0/8,::1`).
     */
    WEBHOOK_ALLOWED_TARGETS: commaList.default(''),
    /**
     * Keys that seal webhook signing secrets at rest (AES-256-GCM), `id=BASE64` of 32 bytes each
     * (`openssl rand -base64 32`), comma-separated: the first seals, all open. To rotate, put a new key
     * first; at boot every secret is resealed with it, and the old key can then be dropped. Unset: a
     * development key, which production refuses.
     */
    WEBHOOK_SECRET_KEYS: commaList.default('').transform((items, ctx) => {
      const { keys, problems } = parseSecretKeys(items);
      for (const message of problems) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return keys.length > 0 ? keys : [DEVELOPMENT_SECRET_KEY];
    }),
    /** Longest wait for a receiver's answer. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** Seconds before each retry after successive failures (the Standard Webhooks schedule); then the delivery fails. */
    WEBHOOK_RETRY_SCHEDULE: z
      .string()
      .default('5,300,1800,7200,18000,36000,36000')
      .transform((s) => s.split(',').map((x) => Number(x.trim())))
      .refine((list) => list.length > 0 && list.every((n) => Number.isFinite(n) && n >= 0), 'must be comma-separated seconds'),
    /** An endpoint that has failed every attempt for this long is disabled (and the event logged). */
    WEBHOOK_DISABLE_AFTER_FAILING_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(5 * 86_400_000),
    /** How often the queue is looked at when nothing woke the dispatcher. */
    WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(10_000).default(250),
    /** Alerts older than this are deleted with their deliveries and attempts (one with a delivery still pending is kept). */
    ALERTS_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
    /** How often old alerts are looked for. */
    ALERTS_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).default(600_000),
  });

export type AlertsConfig = z.infer<typeof alertsEnv>;
