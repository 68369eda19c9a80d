import type { ZodType, ZodTypeDef } from 'zod';
import { describeZodIssues, type IssueWording } from '@app/contracts';
import { ApiError } from './api-error';

/**
 * A request's body or query as its schema reads it, or a 400 `code` saying `<what> is not valid` with a
 * line per problem: the one way every API validates its input.
 */
export function validateInput<T>(schema: ZodType<T, ZodTypeDef, unknown>, value: unknown, code: string, what: string, wording?: IssueWording): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, code, `${what} is not valid`, describeZodIssues(parsed.error, wording));
  return parsed.data;
}
