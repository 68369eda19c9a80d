import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { KeyedRequest } from './api-key.guard';

/** The name of the API key the guard matched (never its secret): who made a change, for the audit trail. */
export const Actor = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => context.switchToHttp().getRequest<KeyedRequest>().apiKeyName ?? 'unknown',
);
