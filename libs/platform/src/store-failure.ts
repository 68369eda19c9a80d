import { TransientError, describeError } from '@app/bus';

/**
 * What a consumer's store step throws to the bus: a TransientError (the batch is retried) when
 * `isTransient` says the store was unavailable, otherwise an error about the data, which the bus
 * isolates to the record that causes it and dead-letters with this message (libs/bus, runBatch).
 */
export function storeFailure(what: string, error: unknown, isTransient: (error: unknown) => boolean): Error {
  if (error instanceof TransientError) return error;
  const message = `${what}: ${describeError(error)}`;
  return isTransient(error) ? new TransientError(message, { cause: error }) : new Error(message, { cause: error });
}
