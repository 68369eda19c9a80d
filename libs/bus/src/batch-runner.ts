import type { BatchHandler, BusRecord, RecordBatch } from './bus.port';
import type { DeadLetter } from './dead-letter';
import { isTransient } from './transient-error';

export interface BatchRunOptions {
  maxAttempts: number;
  /**
   * How long a batch may keep failing transiently (a store down) before its records are treated as
   * failing for good: isolated and dead-lettered, so no failure retries forever. Long enough to ride
   * out a restart or a failover, since dead-lettering during an outage empties the stream into the DLQ.
   */
  transientBudgetMs: number;
  /** The clock the budget is kept by. */
  now?: () => number;
  /** True once the consumer is asked to stop: a failing batch is then left uncommitted for the next owner. */
  isStopping(): boolean;
  /** Waits between attempts; engines keep their group membership alive while waiting (Kafka heartbeats). */
  wait(ms: number): Promise<void>;
  onFailure?(error: unknown, records: number, attempt: number): void;
}

export type BatchOutcome = { status: 'done'; deadLetters: DeadLetter[]; transientBudgetSpent: boolean } | { status: 'aborted' };

const backoffMs = (failures: number, transient: boolean) =>
  transient ? Math.min(200 * 2 ** (failures - 1), 5_000) : Math.min(50 * 2 ** (failures - 1), 1_000);

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Runs a handler over a batch until it succeeds, so a batch is never half-committed.
 * A batch that keeps failing (not transiently, or transiently for longer than the budget) is split
 * in halves, in order, until the records that fail alone are found; those become dead letters with
 * the reason and the rest is processed. Handlers are at-least-once: records of a failed attempt are
 * handed over again.
 */
export async function runBatch(batch: RecordBatch, handler: BatchHandler, options: BatchRunOptions): Promise<BatchOutcome> {
  const deadLetters: DeadLetter[] = [];
  const now = options.now ?? Date.now;
  let lastError: unknown;
  let transientSince: number | null = null;
  let budgetSpent = false;

  const attempt = async (records: BusRecord[]): Promise<'ok' | 'failed' | 'aborted'> => {
    for (let failures = 0; ;) {
      const letters: DeadLetter[] = [];
      try {
        await handler({ ...batch, records }, { deadLetter: (record, reason) => letters.push({ record, reason }) });
        deadLetters.push(...letters);
        return 'ok';
      } catch (error) {
        failures++;
        lastError = error;
        options.onFailure?.(error, records.length, failures);
        const transient = isTransient(error);
        if (options.isStopping()) return 'aborted';
        if (!transient && failures >= options.maxAttempts) return 'failed';
        if (transient) {
          transientSince ??= now();
          if (now() - transientSince >= options.transientBudgetMs) {
            budgetSpent = true;
            lastError = new Error(`failing transiently for over ${Math.round(options.transientBudgetMs / 1000)} s (the retry budget): ${describeError(error)}`);
            return 'failed';
          }
        }
        await options.wait(backoffMs(failures, transient));
      }
    }
  };

  const process = async (records: BusRecord[]): Promise<boolean> => {
    const result = await attempt(records);
    if (result === 'ok') return true;
    if (result === 'aborted') return false;
    if (records.length === 1) {
      deadLetters.push({ record: records[0], reason: describeError(lastError) });
      return true;
    }
    const middle = records.length >>> 1;
    return (await process(records.slice(0, middle))) && (await process(records.slice(middle)));
  };

  return (await process(batch.records)) ? { status: 'done', deadLetters, transientBudgetSpent: budgetSpent } : { status: 'aborted' };
}
