import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { KeyedRequest } from './api-key.guard';

/** A person's name as a client that acts for people (the console) sends it: what the audit trail may show of it. */
const PERSON = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Who made a change, for the audit trail: the name of the API key the guard matched (never its secret),
 * and the person the client acted for when it names one (`x-on-behalf-of`, as the console does). The
 * key stays in the name: a person named by a client is only as trustworthy as the key that sent it.
 */
export const Actor = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<KeyedRequest>();
  const key = request.apiKeyName ?? 'unknown';
  const person = request.headers['x-on-behalf-of'];
  return typeof person === 'string' && PERSON.test(person) ? `${person} via ${key}` : key;
});
