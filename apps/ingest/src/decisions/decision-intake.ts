import { Injectable } from '@nestjs/common';
import type { OutgoingRecord } from '@app/bus';
import { IngestEventsUseCase, type EventResult } from '../ingestion/ingest-events.use-case';
import { DecisionReplies } from './decision-replies';

interface Waiting {
  item: unknown;
  deadline: number;
  reject: (reasons: string[]) => OutgoingRecord | null;
  settle: (outcome: { result: EventResult } | { error: unknown }) => void;
}

/**
 * Takes decisions' events into the stream together: the events of the decisions that arrive in one
 * turn of the event loop go through one ingest call (one dedupe lookup, one reference-data lookup, one
 * publish per partition, one remember), as a database commits the transactions that wait together.
 * A decision travels alone otherwise, and each of those round trips is a socket write here and a
 * wake-up and a command in Redis (docs/decisions.md, "Figures"). Under load more arrive per turn and
 * the calls grow; alone, a decision waits for nothing (setImmediate runs right after the turn that
 * read it). Each event keeps its own result and its own dead-letter record; the
 * call's lookups get half of what is left of the earliest deadline among them.
 */
@Injectable()
export class DecisionIntake {
  private gathering: Waiting[] = [];

  constructor(
    private readonly ingestEvents: IngestEventsUseCase,
    private readonly replies: DecisionReplies,
  ) {}

  /** The event's result once the bus holds it (accepted, duplicate or rejected); rejects as ingest does (the bus unavailable). */
  take(item: unknown, deadline: number, reject: (reasons: string[]) => OutgoingRecord | null): Promise<EventResult> {
    return new Promise((resolve, fail) => {
      if (this.gathering.length === 0) setImmediate(() => void this.publish());
      this.gathering.push({ item, deadline, reject, settle: (outcome) => ('result' in outcome ? resolve(outcome.result) : fail(outcome.error)) });
    });
  }

  private async publish(): Promise<void> {
    const group = this.gathering;
    this.gathering = [];
    const earliest = Math.min(...group.map((w) => w.deadline));
    try {
      const outcome = await this.ingestEvents.ingest(
        group.map((w) => w.item),
        'http',
        (index, reasons) => group[index].reject(reasons),
        { headers: this.replies.headers, lookupBudgetMs: Math.max(1, earliest - Date.now()) / 2 },
      );
      group.forEach((waiting, i) => waiting.settle({ result: outcome.results[i] }));
    } catch (error) {
      for (const waiting of group) waiting.settle({ error });
    }
  }
}
