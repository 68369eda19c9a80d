import type { OutgoingRecord } from '@app/bus';
import type { IngestEventsUseCase, IngestOptions, IngestOutcome, RejectionSink } from '../ingestion/ingest-events.use-case';
import type { DecisionReplies } from './decision-replies';
import { DecisionIntake } from './decision-intake';

/** Records each ingest call; rejects items whose `bad` is set, through the call's rejection sink. */
class RecordingIngest {
  readonly calls: Array<{ items: unknown[]; options: IngestOptions; rejected: Array<OutgoingRecord | null> }> = [];
  failWith: Error | null = null;

  async ingest(items: unknown[], _source: string, reject: RejectionSink, options: IngestOptions): Promise<IngestOutcome> {
    const call = { items, options, rejected: [] as Array<OutgoingRecord | null> };
    this.calls.push(call);
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    const results = items.map((item, index) => {
      const { id, bad } = item as { id: string; bad?: boolean };
      if (!bad) return { index, eventId: id, status: 'accepted' as const };
      call.rejected.push(reject(index, [`${id} is bad`]));
      return { index, status: 'rejected' as const, reasons: [`${id} is bad`] };
    });
    return { accepted: 0, duplicates: 0, rejected: 0, results };
  }
}

const replies = { headers: { 'decision-reply-to': 'replies:here' } } as unknown as DecisionReplies;
const deadLetter = (id: string) => (reasons: string[]) => ({ key: id, value: reasons.join() });

describe('DecisionIntake', () => {
  it('takes the decisions of one turn in one ingest call, each with its own result and dead letter', async () => {
    const ingest = new RecordingIngest();
    const intake = new DecisionIntake(ingest as unknown as IngestEventsUseCase, replies);
    const now = Date.now();
    const taken = [
      intake.take({ id: 'a' }, now + 100, deadLetter('a')),
      intake.take({ id: 'b', bad: true }, now + 40, deadLetter('b')),
      intake.take({ id: 'c' }, now + 150, deadLetter('c')),
    ];
    const results = await Promise.all(taken);

    expect(ingest.calls).toHaveLength(1);
    expect(results).toEqual([
      { index: 0, eventId: 'a', status: 'accepted' },
      { index: 1, status: 'rejected', reasons: ['b is bad'] },
      { index: 2, eventId: 'c', status: 'accepted' },
    ]);
    expect(ingest.calls[0].rejected).toEqual([{ key: 'b', value: 'b is bad' }]);
    expect(ingest.calls[0].options.headers).toBe(replies.headers);
    // Half of what is left of the earliest deadline (40 ms).
    expect(ingest.calls[0].options.lookupBudgetMs).toBeLessThanOrEqual(20);
    expect(ingest.calls[0].options.lookupBudgetMs).toBeGreaterThan(0);
  });

  it('starts another call for decisions arriving while one is out', async () => {
    const ingest = new RecordingIngest();
    const intake = new DecisionIntake(ingest as unknown as IngestEventsUseCase, replies);
    const first = intake.take({ id: 'a' }, Date.now() + 100, deadLetter('a'));
    await new Promise((resolve) => setImmediate(resolve));
    const second = intake.take({ id: 'b' }, Date.now() + 100, deadLetter('b'));
    await Promise.all([first, second]);
    expect(ingest.calls.map((c) => c.items)).toEqual([[{ id: 'a' }], [{ id: 'b' }]]);
  });

  it("fails every decision of a call the bus did not take, with the call's error", async () => {
    const ingest = new RecordingIngest();
    ingest.failWith = new Error('bus down');
    const intake = new DecisionIntake(ingest as unknown as IngestEventsUseCase, replies);
    const taken = ['a', 'b'].map((id) => intake.take({ id }, Date.now() + 100, deadLetter(id)));
    for (const decision of taken) await expect(decision).rejects.toThrow('bus down');
  });
});
