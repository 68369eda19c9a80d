import { TransientError } from '@app/bus';
import { storeFailure } from './store-failure';

/**
 * Redis replies that say "the server, not this command": still loading its data, a script running too
 * long, out of memory, a replica or a failover, and ioredis's own errors for a connection that is down.
 * Everything else (ERR from a script, WRONGTYPE, ...) fails the same way every time for the same input.
 */
const TRANSIENT_REPLIES = /^(LOADING|BUSY|OOM|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF)\b/;
const TRANSIENT_CLIENT_ERRORS =
  /Connection is closed|Stream isn't writeable|Reached the max retries per request limit|connect ETIMEDOUT|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE/;

export function isTransientRedisError(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name === 'MaxRetriesPerRequestError' || name === 'AbortError') return true;
  return typeof message === 'string' && (TRANSIENT_REPLIES.test(message) || TRANSIENT_CLIENT_ERRORS.test(message));
}

/** What a consumer's Redis step throws to the bus (storeFailure). */
export const redisFailure = (what: string, error: unknown): Error => storeFailure(what, error, isTransientRedisError);
