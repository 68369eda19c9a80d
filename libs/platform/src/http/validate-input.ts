import type { ZodType, ZodTypeDef } from 'zod';
import { describeZodIssues, type IssueWording } from '@app/contracts';
import { ApiError } from './api-error';

/**
 * A request's body or query as its schema reads it, or a 400 with `code`, `message` and a line per
 * problem: the one way every API validates its input.
 */
export function validateInput<T>(schema: ZodType<T, ZodTypeDef, unknown>, value: unknown, code: string, message: string, wording?: IssueWording): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, code, message, describeZodIssues(parsed.error, wording));
  return parsed.data;
}
