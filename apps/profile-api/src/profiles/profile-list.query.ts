import { z } from 'zod';
import { RISK_BAND_NAMES, SEGMENTS } from '../folding/profile-state';
import type { PageCursor } from './profile.repository';

export const encodeCursor = (cursor: PageCursor) => Buffer.from(JSON.stringify([cursor.lastSeenAt, cursor.userId])).toString('base64url');

function decodeCursor(text: string): PageCursor | undefined {
  try {
    const [lastSeenAt, userId] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if ((lastSeenAt === null || (typeof lastSeenAt === 'string' && !Number.isNaN(Date.parse(lastSeenAt)))) && typeof userId === 'string')
      return { lastSeenAt, userId };
  } catch {
    // falls through: not one of ours
  }
  return undefined;
}

/** GET /v1/profiles query parameters; unknown ones are rejected, so a typo is not silently ignored. */
export const profileListQuery = z
  .object({
    riskBand: z.enum(RISK_BAND_NAMES as [string, ...string[]], { errorMap: () => ({ message: `must be one of ${RISK_BAND_NAMES.join(', ')}` }) }).optional(),
    segment: z.enum(SEGMENTS as [string, ...string[]], { errorMap: () => ({ message: `must be one of ${SEGMENTS.join(', ')}` }) }).optional(),
    lastSeenSince: z
      .string()
      .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time')
      .transform((s) => new Date(s))
      .optional(),
    limit: z.coerce
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(500, 'must be at most 500')
      .default(50),
    cursor: z
      .string()
      .transform((text, ctx) => {
        const cursor = decodeCursor(text);
        if (!cursor) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not a cursor this API returned' });
        return cursor ?? z.NEVER;
      })
      .optional(),
  })
  .strict();
