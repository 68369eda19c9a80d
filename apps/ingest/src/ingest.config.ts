import { commaList, redisEnv, serviceEnv } from '@app/platform';
import { z } from 'zod';
import { parseFallbackPolicy } from './decisions/decision-fallback';

export const INGEST_ROLES = ['http', 'raw'] as const;
export type IngestRole = (typeof INGEST_ROLES)[number];

const replacedByRoles = z.undefined({
  errorMap: () => ({ message: 'was replaced by INGEST_ROLES (docs/ingest.md, "Roles"): e.g. INGEST_ROLES=http for an HTTP-only process' }),
});

export const ingestEnv = serviceEnv(3001)
  .merge(redisEnv)
  .extend({
    /** Most events in one POST /v1/events, and bytes in its body. */
    INGEST_MAX_EVENTS_PER_REQUEST: z.coerce.number().int().min(1).max(100_000).default(1_000),
    INGEST_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .default(2 * 1024 * 1024),
    /** Events per second each API key may send, sustained, and in a burst. */
    INGEST_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).default(100_000),
    INGEST_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(200_000),
    /** Longest a request waits for the bus to accept its events before answering 503. */
    INGEST_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
    /**
     * An eventId published within this window (and up to twice it) is not published again. Client
     * retries come within it; replays beyond it are absorbed downstream (effects are idempotent by
     * eventId). Redis holds ~80 bytes per id for up to two windows of traffic.
     */
    INGEST_DEDUPE_WINDOW_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .max(7 * 86_400_000)
      .default(10 * 60_000),
    /**
     * Reference-data answers kept in process per dataset (merchants and each deny-list), forgotten when
     * Redis reports the dataset changed (docs/ingest.md, "Enrichment"); 0 asks Redis for every batch.
     */
    INGEST_REFERENCE_CACHE_ENTRIES: z.coerce.number().int().min(0).max(10_000_000).default(20_000),
    /** Accepted event-time skew into the future, and age into the past. */
    EVENT_MAX_FUTURE_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(5 * 60_000),
    EVENT_MAX_AGE_DAYS: z.coerce.number().int().min(1).default(400),
    /** Comma-separated MaxMind-format files (e.g. your GeoIP2-City.mmdb); default: the shipped DB-IP City Lite. */
    GEOIP_DATABASES: z.string().optional(),
    /** Comma-separated MaxMind-format ASN files (GeoLite2-ASN, DB-IP ASN Lite, IPinfo Lite): events then carry `asn`. */
    ASN_DATABASES: commaList.default(''),
    /**
     * What this process does (docs/ingest.md, "Roles"): `http` takes POST /v1/events, `raw` consumes
     * events.raw. One process does both by default; extra HTTP-only processes add throughput. On Redis
     * Streams a group has one member, so run `raw` in one process only.
     */
    INGEST_ROLES: commaList
      .default(INGEST_ROLES.join(','))
      .refine((roles) => roles.length > 0, 'must name at least one role')
      .refine((roles) => !roles.includes('lake'), 'lake: the lake sink is an app of its own (apps/lake, npm run start:lake, docs/lake.md)')
      .refine(
        (roles) => roles.every((role) => (INGEST_ROLES as readonly string[]).includes(role)),
        `must be a comma-separated list of ${INGEST_ROLES.join(', ')}`,
      )
      .transform((roles) => new Set(roles as IngestRole[])),
    /** Replaced by INGEST_ROLES: refused, so a deployment that set them does not quietly run one more lake sink. */
    INGEST_CONSUMERS: replacedByRoles,
    LAKE_ENABLED: replacedByRoles,
    /** POST /v1/decisions (docs/decisions.md): the deadline when the caller gives none, and the longest one it may give. */
    DECISION_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(150),
    DECISION_MAX_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(1_000),
    /** The verdict past the deadline, per event type, `*` for every other: e.g. transaction=review,*=allow. */
    DECISION_FALLBACK: z
      .string()
      .default('transaction=review,refund=review,*=allow')
      .transform((text, ctx) => {
        const parsed = parseFallbackPolicy(text);
        if ('policy' in parsed) return parsed.policy;
        for (const problem of parsed.problems) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
        return z.NEVER;
      }),
    /** Decisions in progress at once in this process; past it, 503 with Retry-After (the caller should use its own fallback). */
    DECISION_MAX_IN_FLIGHT: z.coerce.number().int().min(1).default(2_000),
    /**
     * How far behind its event loop may run, sustained, before this process refuses decisions (503 with
     * Retry-After): the process is overloaded, whatever a caller's deadline. Half the default deadline.
     */
    DECISION_OVERLOAD_LAG_MS: z.coerce.number().int().min(1).default(75),
  })
  .refine((c) => c.DECISION_TIMEOUT_MS <= c.DECISION_MAX_TIMEOUT_MS, { path: ['DECISION_TIMEOUT_MS'], message: 'must be at most DECISION_MAX_TIMEOUT_MS' })
  .refine((c) => c.INGEST_RATE_LIMIT_BURST >= c.INGEST_MAX_EVENTS_PER_REQUEST, {
    path: ['INGEST_RATE_LIMIT_BURST'],
    message: 'must be at least INGEST_MAX_EVENTS_PER_REQUEST, or a full request could never pass',
  });

export type IngestConfig = z.infer<typeof ingestEnv>;
