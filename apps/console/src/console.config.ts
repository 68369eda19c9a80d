import { z } from 'zod';
import { commaList, httpServiceEnv } from '@app/platform';
import { parseConsoleUsers } from './session/console-users';

const serviceUrl = (defaultUrl: string) => z.string().url('must be an http(s):// URL').default(defaultUrl);

export const consoleEnv = httpServiceEnv(3006).extend({
  /**
   * Who may sign in: `name=PASSWORD` or `name=sha256:HEX`, comma-separated. Never logged. Production
   * refuses short or demo passwords.
   */
  CONSOLE_USERS: commaList.transform((items, ctx) => {
    const { users, problems } = parseConsoleUsers(items);
    for (const message of problems) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    return users;
  }),
  /**
   * The key the console calls the services with, server-side only (the browser never sees it): it needs
   * the admin and profiles scopes (API_KEYS: admin+profiles=SECRET). Never logged.
   */
  CONSOLE_API_KEY: z.string().min(8, 'must be at least 8 characters'),
  /** How long a sign-in lasts without use; a session also ends CONSOLE_SESSION_MAX_HOURS after sign-in. */
  CONSOLE_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  CONSOLE_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  /** Cookies marked Secure (sent over HTTPS only): on in production, where the console sits behind TLS. */
  CONSOLE_SECURE_COOKIES: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true')),
  INGEST_URL: serviceUrl('http://127.0.0.1:3001'),
  SCORING_URL: serviceUrl('http://127.0.0.1:3002'),
  PROFILE_API_URL: serviceUrl('http://127.0.0.1:3003'),
  ALERTS_URL: serviceUrl('http://127.0.0.1:3004'),
  LAKE_URL: serviceUrl('http://127.0.0.1:3005'),
  /** Longest the console waits for a service before it answers 502 (a page shows which service). */
  CONSOLE_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
});

export type ConsoleConfig = z.infer<typeof consoleEnv>;

/** The services the console talks to, as its settings name them. */
export const CONSOLE_SERVICES = ['ingest', 'scoring', 'profile-api', 'alerts', 'lake'] as const;
export type ConsoleService = (typeof CONSOLE_SERVICES)[number];

export const serviceUrlOf = (config: ConsoleConfig, service: ConsoleService): string =>
  ({ ingest: config.INGEST_URL, scoring: config.SCORING_URL, 'profile-api': config.PROFILE_API_URL, alerts: config.ALERTS_URL, lake: config.LAKE_URL })[
    service
  ];

/** What production refuses, one line each. */
export function consoleProductionProblems(config: ConsoleConfig): string[] {
  return [
    ...config.CONSOLE_USERS.flatMap((user) =>
      user.plaintext !== null && (user.plaintext.length < 16 || user.plaintext === DEMO_CONSOLE_PASSWORD)
        ? [`CONSOLE_USERS: ${user.name}: in production a password must be at least 16 characters and not the demo one`]
        : [],
    ),
    ...(config.CONSOLE_SECURE_COOKIES === false ? ['CONSOLE_SECURE_COOKIES: production serves the console over HTTPS only; leave it on'] : []),
  ];
}

/** The password of the demo user `npm run suite` signs in with: refused in production. */
export const DEMO_CONSOLE_PASSWORD = 'console-demo-password';
