import type { z } from 'zod';

/** One line per problem of a rejected request body or query, for an error's details. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((k) => `${[...issue.path, k].join('.')}: is not a field`).join('; ') : `${issue.path.join('.') || 'body'}: ${issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.message}`,
  );
}
