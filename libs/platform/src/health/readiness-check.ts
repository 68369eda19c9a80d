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
