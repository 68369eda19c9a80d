import type { BusRecord, RecordBatch } from './bus.port';
import { runBatch, type BatchRunOptions } from './batch-runner';
import { TransientError } from './transient-error';

const record = (offset: number): BusRecord => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: `k${offset}`,
  value: Buffer.from(`v${offset}`),
  headers: {},
  timestamp: 0,
});
const batchOf = (n: number): RecordBatch => ({ topic: 't', partition: 0, records: Array.from({ length: n }, (_, i) => record(i)), newlyAssigned: false });
const options = (overrides: Partial<BatchRunOptions> = {}): BatchRunOptions => ({
  maxAttempts: 3,
  transientBudgetMs: 60_000,
  isStopping: () => false,
  wait: async () => undefined,
  ...overrides,
});

describe('runBatch', () => {
  it('hands the whole batch to the handler once when it succeeds', async () => {
    const seen: string[][] = [];
    const outcome = await runBatch(batchOf(4), async (b) => void seen.push(b.records.map((r) => r.offset)), options());
    expect(outcome).toEqual({ status: 'done', deadLetters: [], transientBudgetSpent: false });
    expect(seen).toEqual([['0', '1', '2', '3']]);
  });

  it('retries a failing batch and succeeds without dead letters', async () => {
    let calls = 0;
    const outcome = await runBatch(
      batchOf(3),
      async () => {
        if (++calls < 3) throw new Error('flaky');
      },
      options(),
    );
    expect(calls).toBe(3);
    expect(outcome).toEqual({ status: 'done', deadLetters: [], transientBudgetSpent: false });
  });

  it('isolates a poison record by splitting and dead-letters only it, keeping order', async () => {
    const processed: string[] = [];
    const outcome = await runBatch(
      batchOf(8),
      async (b) => {
        if (b.records.some((r) => r.offset === '5')) throw new SyntaxError('bad json');
        processed.push(...b.records.map((r) => r.offset));
      },
      options(),
    );
    expect(outcome.status).toBe('done');
    if (outcome.status !== 'done') return;
    expect(outcome.deadLetters.map((d) => [d.record.offset, d.reason])).toEqual([['5', 'SyntaxError: bad json']]);
    expect(processed).toEqual(['0', '1', '2', '3', '4', '6', '7']);
  });

  it('keeps dead letters the handler reported itself, only from the successful attempt', async () => {
    let calls = 0;
    const outcome = await runBatch(
      batchOf(2),
      async (b, ctx) => {
        ctx.deadLetter(b.records[1], 'invalid schema');
        if (++calls === 1) throw new Error('first attempt fails after reporting');
      },
      options(),
    );
    expect(outcome.status === 'done' && outcome.deadLetters.map((d) => d.reason)).toEqual(['invalid schema']);
  });

  it('retries transient errors past maxAttempts, within the retry budget, without dead letters', async () => {
    let calls = 0;
    const outcome = await runBatch(
      batchOf(2),
      async () => {
        if (++calls < 10) throw new TransientError('redis down');
      },
      options(),
    );
    expect(calls).toBe(10);
    expect(outcome).toEqual({ status: 'done', deadLetters: [], transientBudgetSpent: false });
  });

  it('dead-letters, with the reason, the records of a batch that fails transiently for longer than the budget, and processes the rest', async () => {
    let clock = 0;
    const processed: string[] = [];
    // Record 2 always times out (a store that cannot take it); the others are stored.
    const outcome = await runBatch(
      batchOf(4),
      async (b) => {
        if (b.records.some((r) => r.offset === '2')) throw new TransientError('statement timeout');
        processed.push(...b.records.map((r) => r.offset));
      },
      options({ now: () => clock, wait: async (ms) => void (clock += ms) }),
    );
    expect(outcome.status === 'done' && outcome.deadLetters.map((d) => [d.record.offset, d.reason])).toEqual([
      ['2', 'Error: failing transiently for over 60 s (the retry budget): TransientError: statement timeout'],
    ]);
    expect(outcome.status === 'done' && outcome.transientBudgetSpent).toBe(true);
    expect(processed).toEqual(['0', '1', '3']);
    expect(clock).toBeGreaterThanOrEqual(60_000);
  });

  it('aborts a failing batch when the consumer is stopping, so nothing is committed', async () => {
    let stopping = false;
    const outcome = await runBatch(
      batchOf(2),
      async () => {
        stopping = true;
        throw new TransientError('down');
      },
      options({ isStopping: () => stopping }),
    );
    expect(outcome).toEqual({ status: 'aborted' });
  });

  it('backs off between attempts, longer each time', async () => {
    const waits: number[] = [];
    await runBatch(
      batchOf(1),
      async () => {
        throw new Error('always');
      },
      options({ wait: async (ms) => void waits.push(ms) }),
    );
    expect(waits).toEqual([50, 100]);
  });
});
