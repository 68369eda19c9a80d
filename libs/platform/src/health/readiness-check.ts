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

/** Fails a check that hangs: a dead peer must make readiness say no quickly, not time the probe out. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
