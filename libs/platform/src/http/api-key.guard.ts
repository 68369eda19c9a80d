import { applyDecorators, Inject, Injectable, SetMetadata, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Counter } from 'prom-client';
import { ApiError } from './api-error';
import { sha256, type ApiKey, type Scope } from './api-keys';

export const API_KEYS = Symbol('API_KEYS');
const REQUIRED_SCOPE = 'sentinel:requiredScope';

const requests = new Counter({
  name: 'api_requests_by_key_total',
  help: 'Requests to business endpoints by API key name (never the secret) and outcome',
  labelNames: ['key', 'outcome'],
});

/**
 * A request that passed the guard carries its key's name, for the request log. On Fastify the handlers'
 * request wraps Node's (`raw`), which is the one the request log sees: the name goes on both.
 */
export interface KeyedRequest {
  headers: IncomingHttpHeaders;
  apiKeyName?: string;
  raw?: IncomingMessage & { apiKeyName?: string };
}

/** The scope a controller's routes (or one route) need; also its OpenAPI security scheme. */
export const RequireScope = (scope: Scope) => applyDecorators(SetMetadata(REQUIRED_SCOPE, scope), UseGuards(ApiKeyGuard), ApiBearerAuth(scope));

/**
 * Checks `Authorization: Bearer <key>` against the configured keys, then the route's scope: 401 for no
 * or an unknown key, 403 naming the scope a known key lacks. Keys are compared as SHA-256 digests with
 * timingSafeEqual, against every key, so timing says nothing about which bytes matched.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(API_KEYS) private readonly keys: ApiKey[],
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      requests.inc({ key: 'none', outcome: 'unauthenticated' });
      throw new ApiError(401, 'UNAUTHENTICATED', 'send an API key as "Authorization: Bearer <key>"');
    }
    const key = this.keyOf(match[1]);
    if (!key) {
      requests.inc({ key: 'unknown', outcome: 'unauthenticated' });
      throw new ApiError(401, 'UNAUTHENTICATED', 'the API key is not valid');
    }
    request.apiKeyName = key.name;
    if (request.raw) request.raw.apiKeyName = key.name;
    // A route without a declared scope is an administrator's.
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]) ?? 'admin';
    if (!key.scopes.has(scope)) {
      requests.inc({ key: key.name, outcome: 'forbidden' });
      throw new ApiError(403, 'FORBIDDEN', `this API key lacks the "${scope}" scope`, { requiredScope: scope });
    }
    requests.inc({ key: key.name, outcome: 'allowed' });
    return true;
  }

  /** The configured key whose secret this is, comparing against every key. */
  keyOf(secret: string): ApiKey | undefined {
    const candidate = sha256(secret);
    let found: ApiKey | undefined;
    for (const key of this.keys) if (timingSafeEqual(candidate, key.digest) && !found) found = key;
    return found;
  }
}
