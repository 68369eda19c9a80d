import { z } from 'zod';
import { EVENT_TYPES } from '@app/contracts';

/** What a model may score: every event type but the chargeback, a label rather than activity. */
const SCORABLE_TYPES = EVENT_TYPES.filter((type) => type !== 'chargeback') as [string, ...string[]];

/**
 * What travels beside an ONNX file (DESIGN.md, "Scoring"): which features to compute, in which
 * order, where the model reads them and where its fraud probability comes out.
 */
export const modelManifestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lowercase letters, digits or . _ -'),
    version: z.string().min(1).max(64),
    /** The ONNX file, relative to the manifest. */
    file: z.string().min(1),
    /** The graph input fed a float tensor [batch, features.length]. */
    input: z.string().min(1),
    /** The graph output holding probabilities [batch, classes]. */
    output: z.string().min(1),
    /** Column of `output` that is the probability of fraud. */
    positiveClass: z.number().int().min(0).default(1),
    /** Feature names from the catalogue (GET /v1/features), in the model's input order. */
    features: z.array(z.string()).min(1),
    /**
     * The event types the model was trained on, and the only ones it scores: another event's features
     * lie outside what it learnt. The rest are judged by the rules alone (docs/scoring.md, "Models"). Default: the
     * transaction, what `npm run train` trains on.
     */
    eventTypes: z
      .array(z.enum(SCORABLE_TYPES))
      .min(1)
      .default(['transaction'])
      .refine((types) => new Set(types).size === types.length, { message: 'must not repeat' }),
    /** Typical (training mean) value per feature: reasons say which features, set to it, would lower the score most. */
    baseline: z.array(z.number()).optional(),
    thresholds: z
      .object({ review: z.number().min(0).max(1), block: z.number().min(0).max(1), alert: z.number().min(0).max(1) })
      .refine((t) => t.review <= t.block, { message: 'review must not exceed block' }),
    /** Free-form provenance (training data, quality report). */
    training: z.record(z.unknown()).optional(),
  })
  .strict()
  .refine((m) => !m.baseline || m.baseline.length === m.features.length, { message: 'baseline must have one value per feature', path: ['baseline'] })
  .refine((m) => new Set(m.features).size === m.features.length, { message: 'features must not repeat', path: ['features'] });

export type ModelManifest = z.infer<typeof modelManifestSchema>;
