import { TransientError, isTransient } from './transient-error';

/**
 * Kafka error codes a record itself causes: a send that fails with one of these fails for good, so
 * the consumer isolates the record and dead-letters it. Any other failure to publish is the bus's
 * (a broker away, a timeout, a producer out of step): the batch waits and tries again.
 */
const RECORD_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_TIMESTAMP']);

/** The error a failed publish to `topic` is reported as: transient unless the records caused it. */
export function publishFailure(topic: string, error: unknown): Error {
  if (isTransient(error)) return error as Error; // the bus's own backpressure
  const { name, message, type } = error as { name?: unknown; message?: string; type?: unknown };
  // The client's error class and the broker's code say what the message alone does not (retries spent, a
  // connection closed, a producer out of step).
  const kind = [name !== 'Error' && typeof name === 'string' ? name : null, typeof type === 'string' ? type : null].filter(Boolean).join(' ');
  const described = `publishing to ${topic} failed: ${kind ? `${kind}: ` : ''}${message ?? String(error)}`;
  return typeof type === 'string' && RECORD_ERRORS.has(type) ? new Error(described, { cause: error }) : new TransientError(described, { cause: error });
}
