/** What withDeadline rejects with when the work did not settle in time (the work itself goes on, unobserved). */
export class DeadlineExceededError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Fails work that hangs: a dead peer must make readiness say no quickly, not time the probe out, and a
 * caller with a deadline must not wait on a store that is restarting. The deadline is checked once the
 * loop has read what arrived meanwhile: a loop that was busy past it runs its timers before its I/O, and
 * an answer already on the socket would otherwise lose to a deadline that passed while nobody looked.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => setImmediate(() => reject(new DeadlineExceededError(what, ms))), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
