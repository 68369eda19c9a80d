/**
 * Failed sign-ins per client address over a sliding window: past the limit, that address is refused
 * until its oldest failure leaves the window. A guessing script gets a handful of tries a minute.
 */
export class SignInAttempts {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until this address may try again; 0 when it may now. */
  waitFor(address: string): number {
    const recent = this.recent(address);
    return recent.length < this.limit ? 0 : recent[0] + this.windowMs - this.now();
  }

  failed(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    const recent = (this.failures.get(address) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(address);
    return recent;
  }
}
