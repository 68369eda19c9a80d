import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ApiError } from './api-error';

export const API_KEYS = Symbol('API_KEYS');

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <key>` against the configured keys. Keys are compared as SHA-256
 * digests with timingSafeEqual, against every key, so timing says nothing about which bytes matched.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(@Inject(API_KEYS) keys: string[]) {
    this.digests = keys.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new ApiError(401, 'UNAUTHENTICATED', 'send an API key as "Authorization: Bearer <key>"');
    if (!this.isAccepted(match[1])) throw new ApiError(401, 'UNAUTHENTICATED', 'the API key is not valid');
    return true;
  }

  isAccepted(key: string): boolean {
    const candidate = digest(key);
    let accepted = false;
    for (const known of this.digests) accepted = timingSafeEqual(candidate, known) || accepted;
    return accepted;
  }
}
