/** One dependency a service cannot work without; /health/ready runs them all. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/**
 * A check's failure meant for /health/ready's answer, which anyone may read: our own words, naming what
 * stands still. Any other error a check throws is logged, and the answer names only the dependency
 * (a driver's message may carry host names, addresses or a user name).
 */
export class ReadinessProblem extends Error {}

/** What withDeadline rejects with when the work did not settle in time (the work itself goes on, unobserved). */
export class DeadlineExceededError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/** Fails work that hangs: a dead peer must make readiness say no quickly, not time the probe out. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(what, ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
