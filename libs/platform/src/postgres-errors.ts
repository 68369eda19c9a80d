import { TransientError } from '@app/bus';
import { storeFailure } from './store-failure';

/**
 * SQLSTATE classes that say "the database, not this record": connection exceptions (08), transaction
 * rollbacks such as serialization failures and deadlocks (40), insufficient resources (53), lock not
 * available (55), operator intervention such as a statement timeout or a shutdown (57), system errors
 * (58). Everything else (22 data exceptions such as a NUL in jsonb, 23 integrity violations, ...) fails
 * the same way every time for the same record.
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);
/** Socket errors of a database that is down, restarting or unreachable. */
const TRANSIENT_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** node-postgres, its pool and TypeORM say these without a code. */
const TRANSIENT_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|Client was closed|not queryable|Connection is not established|the database system is (starting up|shutting down)/i;

/** True when retrying the same work later may succeed: the database was unavailable, not the data wrong. */
export function isTransientDatabaseError(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_CLASSES.has(code.slice(0, 2));
    if (typeof code === 'string' && TRANSIENT_SOCKET_CODES.has(code)) return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return true;
    // TypeORM keeps the driver's error as driverError; others as cause.
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/** What a consumer's Postgres step throws to the bus (storeFailure). */
export const databaseFailure = (what: string, error: unknown): Error => storeFailure(what, error, isTransientDatabaseError);
