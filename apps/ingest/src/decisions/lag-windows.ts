/**
 * The worst tick delays of the last two windows of a ticker, and how far behind the loop runs sustained:
 * the lesser of the two, so one stall that is over (a collection, a large request) does not count, and
 * an overload, which delays every window, does. A window without a tick yet (the one the latest tick
 * opened) is no evidence of keeping up: until its first tick `ms` is the last window's worst.
 */
export class LagWindows {
  /** The worst delay of the open window; undefined until its first tick. */
  private current: number | undefined;
  private previous = 0;
  private expected: number;
  private windowStart: number;

  constructor(
    private readonly tickMs: number,
    private readonly windowMs: number,
    now: number,
  ) {
    this.expected = now + tickMs;
    this.windowStart = now;
  }

  /** A tick of the ticker, fired at `now` (ms, monotonic). */
  tick(now: number): void {
    this.current = Math.max(this.current ?? 0, now - this.expected);
    this.expected = now + this.tickMs;
    if (now - this.windowStart >= this.windowMs) {
      [this.previous, this.current, this.windowStart] = [this.current, undefined, now];
    }
  }

  get ms(): number {
    return this.current === undefined ? this.previous : Math.min(this.current, this.previous);
  }
}
