import { TransientError } from './transient-error';

/** The bus has more unsent records queued than it may hold: callers should shed load (HTTP 503/429). */
export class BusBackpressureError extends TransientError {
  constructor(queued: number) {
    super(`the bus has ${queued} records waiting to be sent; try again shortly`);
    this.name = 'BusBackpressureError';
  }
}

export interface CoalescingLimits<T> {
  /** Size of one item in bytes, as it will count against the request limit. */
  weigh(item: T): number;
  /** Bytes in one send. 1 MB keeps every partition's batch under Kafka's default message.max.bytes. */
  maxBytesPerSend: number;
  /** Items waiting to be sent before submit() refuses more. */
  maxQueuedItems: number;
}

interface Submission<T> {
  items: T[];
  taken: number;
  sent: number;
  resolve: () => void;
  reject: (error: unknown) => void;
  failed: boolean;
}

/**
 * Sends one request at a time and fills the next one with everything submitted meanwhile, up to
 * a byte limit: latency stays one round trip when idle, throughput grows with load (Kafka's linger,
 * without a timer). A submission larger than one request is split and resolves when all of it is
 * sent. One request in flight keeps per-partition order across retries, which the idempotent Kafka
 * producer and the Redis sequence check rely on.
 */
export class CoalescingSender<T> {
  private queue: Submission<T>[] = [];
  private queuedItems = 0;
  private sending = false;

  constructor(
    private readonly send: (items: T[]) => Promise<void>,
    private readonly limits: CoalescingLimits<T>,
  ) {}

  submit(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    if (this.queuedItems + items.length > this.limits.maxQueuedItems && this.queuedItems > 0) {
      return Promise.reject(new BusBackpressureError(this.queuedItems));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ items, taken: 0, sent: 0, resolve, reject, failed: false });
      this.queuedItems += items.length;
      if (!this.sending) void this.drain();
    });
  }

  /** Resolves when everything submitted so far has been sent (or failed). */
  async flush(): Promise<void> {
    while (this.sending || this.queue.length > 0) await new Promise((r) => setTimeout(r, 1));
  }

  private takeRequest(): { batch: T[]; parts: Array<[Submission<T>, number]> } {
    const batch: T[] = [];
    const parts: Array<[Submission<T>, number]> = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const submission = this.queue[0];
      const start = submission.taken;
      while (submission.taken < submission.items.length) {
        const weight = this.limits.weigh(submission.items[submission.taken]);
        if (batch.length > 0 && bytes + weight > this.limits.maxBytesPerSend) break;
        batch.push(submission.items[submission.taken++]);
        bytes += weight;
      }
      if (submission.taken > start) parts.push([submission, submission.taken - start]);
      if (submission.taken < submission.items.length) break;
      this.queue.shift();
    }
    this.queuedItems -= batch.length;
    return { batch, parts };
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const { batch, parts } = this.takeRequest();
        try {
          await this.send(batch);
          for (const [submission, count] of parts) {
            submission.sent += count;
            if (submission.sent === submission.items.length && !submission.failed) submission.resolve();
          }
        } catch (error) {
          for (const [submission] of parts) this.fail(submission, error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** A failed submission is rejected once and the rest of it is not sent. */
  private fail(submission: Submission<T>, error: unknown): void {
    if (submission.failed) return;
    submission.failed = true;
    const index = this.queue.indexOf(submission);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.queuedItems -= submission.items.length - submission.taken;
    }
    submission.reject(error);
  }
}
