import { DEFAULT_FEATURE_CONFIG } from '@app/features';
import { booleanFlag, commaList, redisEnv, serviceEnv } from '@app/platform';
import { z } from 'zod';

export const scoringEnv = serviceEnv(3002)
  .merge(redisEnv)
  .extend({
    /** Folder of model folders (each a manifest.json beside its ONNX file). */
    MODELS_DIR: z.string().min(1).default('./models'),
    /** The model served at boot until another is activated (PUT /v1/models/active). */
    MODEL_NAME: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'must be a folder name in MODELS_DIR')
      .default('default'),
    /** How far behind a user's latest event an event may be and still update its windows; older ones are flagged late. */
    SCORING_GRACE_MS: z.coerce.number().int().min(0).max(86_400_000).default(DEFAULT_FEATURE_CONFIG.graceMs),
    /** How long fraud labels (chargebacks) take to arrive: merchant fraud rates look at windows ending this long ago. */
    SCORING_LABEL_DELAY_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(60)
      .default(DEFAULT_FEATURE_CONFIG.labelDelayMs / 86_400_000),
    /**
     * How long after a transaction a chargeback naming it by id is still tied to it (its fraud counted in
     * that transaction's merchant window); the transactions of this horizon are kept in Redis.
     */
    SCORING_DISPUTE_HORIZON_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(540)
      .default(DEFAULT_FEATURE_CONFIG.disputeHorizonMs / 86_400_000),
    /**
     * Days of transactions the live and shadow models are compared over (GET /v1/models/shadow): the
     * newest ones whose chargebacks have had SCORING_LABEL_DELAY_DAYS to arrive.
     */
    SCORING_EVALUATION_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    /** Event types that update windows but are not scored (labels). */
    SCORING_SKIP_TYPES: commaList.default('chargeback'),
    /**
     * Users whose window state is kept in memory (least recently used leave first; the others are read
     * from Redis with their batch). ~8 KB each at most (state/cache-memory.ts): the default's full cache
     * is ~200 MB, well within the suite's 1 GB heap ceiling.
     */
    SCORING_CACHE_USERS: z.coerce.number().int().min(1_000).default(25_000),
    /**
     * Merchants whose counts are kept in memory (~4 KB each), and how old those may get before they are read
     * again (other instances' counts show within it).
     */
    SCORING_CACHE_MERCHANTS: z.coerce.number().int().min(100).default(20_000),
    /**
     * Merchant features are windows of hours to days, the default model's end a week back (the label
     * delay): counts seconds old change nothing. Every reload is an HGETALL of its buckets; at 1 s the
     * simulator's 10,000 terminals were reloaded on nearly every transaction (docs/scoring.md, "Merchants").
     */
    SCORING_MERCHANT_REFRESH_MS: z.coerce.number().int().min(0).max(60_000).default(30_000),
    /**
     * Most events scored per batch (one Redis round trip and one session.run each way). Under a backlog a
     * read brings a batch per partition while the last ones are scored: 1,000 kept scoring under its
     * memory budget in a burst at the same CPU per event as 2,000 (docs/scoring.md, "Memory").
     */
    SCORING_MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(1_000),
    /**
     * Partitions whose batches are scored at once while the service is behind (a partition's own stay
     * in order). A batch waits on Redis three times; meanwhile another partition's features are computed
     * (docs/scoring.md, "Per batch").
     */
    SCORING_CONCURRENT_PARTITIONS: z.coerce.number().int().min(1).max(64).default(4),
    /** Reason codes naming the features that pushed a flagged score most. */
    SCORING_TOP_FEATURES: z.coerce.number().int().min(0).max(10).default(3),
    /** Prefix of every Redis key of the scoring state (tests give each run its own). */
    SCORING_STATE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._:-]+$/)
      .default('scoring'),
    /** Adds each score's model input (feature name → value) to the Score: for parity checks and training from served features. */
    SCORING_EMIT_FEATURES: booleanFlag(false),
    /**
     * Feature rows of the last events scored here, kept for previewing a rule before it is saved
     * (POST /v1/rules/preview): ~4 bytes per feature and event (10,000 events of 40 features: 1.6 MB); 0 keeps none.
     */
    SCORING_PREVIEW_EVENTS: z.coerce.number().int().min(0).max(200_000).default(10_000),
    /**
     * Latest scores kept per user (GET /v1/users/{userId}/scores; the console's Customer page), stored
     * with the batch's state for as long as the user's: ~90 bytes each in Redis; 0 keeps none.
     */
    SCORING_RECENT_SCORES: z.coerce.number().int().min(0).max(100).default(10),
    /** Whether this instance consumes events.enriched (false: API only). */
    SCORING_CONSUMER: booleanFlag(true),
  });

export type ScoringConfig = z.infer<typeof scoringEnv>;
