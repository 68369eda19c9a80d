import type { ZodType, ZodTypeDef } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once into a typed object; every bad setting is named, none is echoed back. */
export function loadConfig<T>(schema: ZodType<T, ZodTypeDef, unknown>, env: Record<string, string | undefined> = process.env): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const message = issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.message;
    return `${name}: ${message}`;
  });
  throw new ConfigError(problems);
}
