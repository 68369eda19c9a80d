/**
 * An error that says "the world is broken, not this record" (a store is down, a timeout).
 * The consumer retries such a batch until it succeeds or the consumer stops, and never
 * dead-letters it: dead-lettering during an outage would empty the stream into the DLQ.
 */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

export function isTransient(error: unknown): boolean {
  return error instanceof TransientError;
}
