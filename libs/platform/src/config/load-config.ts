import type { ZodType, ZodTypeDef } from 'zod';
import { describeZodIssues } from '@app/contracts';

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
  throw new ConfigError(describeZodIssues(result.error, { whole: '(environment)', unknownField: 'is not a setting' }));
}
