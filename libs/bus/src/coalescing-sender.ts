/**
 * Sends one request at a time and merges everything submitted meanwhile into the next one:
 * latency stays one round trip when idle, and throughput grows with load (like Kafka's linger,
 * without a timer). One in flight also keeps per-partition order across retries, which the
 * idempotent Kafka producer and the Redis sequence check both rely on.
 */
export class CoalescingSender<T> {
  private queue: Array<{ items: T[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  private sending = false;

  constructor(
    private readonly send: (items: T[]) => Promise<void>,
    private readonly maxItemsPerSend = 10_000,
  ) {}

  submit(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.sending) void this.drain();
    });
  }

  /** Resolves when everything submitted so far has been sent (or failed). */
  async flush(): Promise<void> {
    while (this.sending || this.queue.length > 0) await new Promise((r) => setImmediate(r));
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const taken = [];
        let count = 0;
        while (this.queue.length > 0 && (taken.length === 0 || count + this.queue[0].items.length <= this.maxItemsPerSend)) {
          const next = this.queue.shift()!;
          taken.push(next);
          count += next.items.length;
        }
        try {
          await this.send(taken.length === 1 ? taken[0].items : taken.flatMap((t) => t.items));
          for (const t of taken) t.resolve();
        } catch (error) {
          for (const t of taken) t.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
