import type { FastifyReply } from 'fastify';
import { ApiError, type KeyedRequest } from '@app/platform';
import type { TokenBuckets } from './token-bucket';

/**
 * Takes `count` events from the request's key's budget, or answers 429 with Retry-After. Per
 * configured key (the guard named it): `bearer K` and `BEARER  K` are one client, and the buckets are
 * as many as the keys, however many headers are tried.
 */
export function refuseOverRate(buckets: TokenBuckets, request: KeyedRequest, reply: FastifyReply, count: number, ratePerSecond: number): void {
  const waitMs = buckets.take(request.apiKeyName ?? 'unnamed', count);
  if (waitMs <= 0) return;
  reply.header('Retry-After', String(Math.ceil(waitMs / 1000)));
  throw new ApiError(429, 'RATE_LIMITED', `this API key is over ${ratePerSecond} events/s; retry in ${Math.ceil(waitMs / 1000)} s`);
}
