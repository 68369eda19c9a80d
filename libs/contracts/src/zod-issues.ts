import type { ZodError } from 'zod';

export interface IssueWording {
  /** What a problem of the whole value is reported under (`body`, `(environment)`); none: the message alone. */
  whole?: string;
  /** What is said of a field the schema does not know. */
  unknownField: string;
}

const REQUEST: IssueWording = { whole: 'body', unknownField: 'is not a field' };

/**
 * One line per problem, `field: what is wrong`: the same wording in every error a person reads (an API's
 * details, a refused setting, an invalid manifest, a rejected event).
 */
export function describeZodIssues(error: ZodError, wording: IssueWording = REQUEST): string[] {
  const line = (path: Array<string | number>, message: string) => {
    const field = path.join('.') || wording.whole;
    return field ? `${field}: ${message}` : message;
  };
  return error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => line([...issue.path, key], wording.unknownField)).join('; ')
      : line(issue.path, issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.message),
  );
}
