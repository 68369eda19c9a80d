import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { describeError } from '@app/bus';
import type { Decision, DegradedReason } from '@app/contracts';
import { APP_CONFIG, DeadlineExceededError, withDeadline } from '@app/platform';
import type { IngestConfig } from '../ingest.config';
import { IngestUnavailableError, type RejectionSink } from '../ingestion/ingest-events.use-case';
import { DecisionIntake } from './decision-intake';
import { DecisionReplies } from './decision-replies';
import { DecisionStoreRepository } from './decision-store.repository';
import { fallbackFor } from './decision-fallback';

export type DecisionOutcome =
  | { status: 'decided'; decision: Decision }
  | { status: 'rejected'; reasons: string[] }
  /** The event could not be stored durably before the deadline: no answer can be given for it. */
  | { status: 'unavailable'; reason: string };

const metrics = {
  decisions: new Counter({
    name: 'ingest_decisions_total',
    help: 'Decisions answered, by verdict and why degraded (none: scored in time)',
    labelNames: ['decision', 'degraded'],
  }),
  duration: new Histogram({
    name: 'ingest_decision_duration_seconds',
    help: 'Time to answer a decision, from its request to its answer',
    buckets: [0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1],
  }),
  unstored: new Counter({
    name: 'ingest_decisions_unstored_total',
    help: 'Fallbacks answered but not kept in time (the decision store slow or down): asked again, they are decided again',
  }),
  unavailable: new Counter({
    name: 'ingest_decisions_unavailable_total',
    help: 'Decisions refused (503), by why: the event not stored before the deadline (bus), or the process overloaded',
    labelNames: ['reason'],
  }),
};

/** How often a repeated request looks for the decision the first request is about to store. */
const POLL_MS = 5;
/**
 * Storing the event and its answer may go on past the deadline, to this much beyond the longest stall of
 * a process not overloaded (DECISION_OVERLOAD_LAG_MS): any answer, the fallback included, needs the event
 * stored, so a deadline spent while the loop ran behind, or a stall in the middle of the store, gets the
 * fallback and not a refusal. Only a bus that stores nothing in that time does (503).
 */
const STORE_GRACE_MS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POST /v1/decisions (docs/decisions.md): the event goes into the stream like any other (with the
 * decisions that arrived beside it, DecisionIntake), with headers naming this instance's reply
 * channel; the scoring instance that owns the user's partition scores it in its next batch, from the
 * state the stream built, keeps the decision by event id and publishes it to that channel (its Score
 * goes to `scores` too). So the decision is the stream's score by construction, not a second
 * implementation of it. Past the deadline the answer is the configured fallback, marked degraded and
 * kept here; the event still flows and is scored once. The first answer kept wins, so a retry gets it.
 */
@Injectable()
export class DecideEventUseCase {
  /** Decisions being made here, by event id: a retry arriving meanwhile waits for the same answer. */
  private readonly inFlight = new Map<string, Promise<DecisionOutcome>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: IngestConfig,
    private readonly intake: DecisionIntake,
    private readonly replies: DecisionReplies,
    private readonly store: DecisionStoreRepository,
  ) {}

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** A decision refused before any work, the process being overloaded. */
  countOverloaded(): void {
    metrics.unavailable.inc({ reason: 'overloaded' });
  }

  /**
   * `timeoutMs`: the caller's deadline; `behindMs`: how far this process's loop runs behind, about how long
   * the request waited before it was read (the caller's time too, so it comes off the deadline).
   */
  async decide(item: unknown, timeoutMs: number, behindMs: number, reject: RejectionSink): Promise<DecisionOutcome> {
    const started = Date.now();
    const event = withEventId(item);
    const running = this.inFlight.get(event.eventId);
    if (running) return running;
    const deadline = started + timeoutMs - behindMs;
    const times = { deadline, storeBy: Math.max(deadline, started + this.config.DECISION_OVERLOAD_LAG_MS + STORE_GRACE_MS) };
    const decision = this.decideOnce(event.item, event.eventId, times, reject).finally(() => {
      this.inFlight.delete(event.eventId);
      metrics.duration.observe((Date.now() - started) / 1000);
    });
    this.inFlight.set(event.eventId, decision);
    return decision;
  }

  /**
   * Answers are waited for until `deadline` (the event's lookups get half of what is left of it); the
   * event and the fallback are stored until `storeBy` (STORE_GRACE_MS).
   */
  private async decideOnce(
    item: unknown,
    eventId: string,
    { deadline, storeBy }: { deadline: number; storeBy: number },
    reject: RejectionSink,
  ): Promise<DecisionOutcome> {
    const reply = this.replies.wait(eventId, deadline - Date.now());
    let status: 'accepted' | 'duplicate';
    try {
      const result = await withDeadline(
        this.intake.take(item, deadline, (reasons) => reject(0, reasons)),
        Math.max(1, storeBy - Date.now()),
        'the bus',
      );
      if (result.status === 'rejected') {
        this.replies.cancel(eventId);
        return { status: 'rejected', reasons: result.reasons };
      }
      status = result.status;
    } catch (error) {
      this.replies.cancel(eventId);
      if (!(error instanceof IngestUnavailableError) && !(error instanceof DeadlineExceededError)) throw error;
      // Counted, not logged one by one: under overload a line per refusal would add to the overload.
      metrics.unavailable.inc({ reason: 'bus' });
      return { status: 'unavailable', reason: describeError(error) };
    }
    const type = (item as { type: string }).type;
    if (status === 'duplicate') {
      this.replies.cancel(eventId);
      const earlier = await this.decidedElsewhere(eventId, deadline);
      return earlier ? this.answered(earlier) : this.kept(this.fallback(eventId, type, 'accepted_without_decision'), storeBy);
    }
    // Scoring kept the decision it replies with: the first one kept for the event, its own or an earlier fallback.
    const decision = await reply;
    return decision ? this.answered(decision) : this.kept(this.fallback(eventId, type, 'deadline'), storeBy);
  }

  /**
   * The event was accepted before: by a request on another instance, whose decision will be kept
   * shortly, or without a decision (POST /v1/events). Looks for the kept one until the deadline.
   */
  private async decidedElsewhere(eventId: string, deadline: number): Promise<Decision | null> {
    for (;;) {
      const stored = await withDeadline(this.store.find(eventId), Math.max(1, deadline - Date.now()), 'the decision store').catch(() => null);
      if (stored) return stored;
      if (Date.now() + POLL_MS >= deadline) return null;
      await sleep(POLL_MS);
    }
  }

  /**
   * Keeps a fallback (the first answer kept wins, so concurrent requests agree: scoring's decision may
   * have been kept meanwhile) and answers it. The store gets until `storeBy`, at least STORE_GRACE_MS: a
   * store that is slow or down costs the answer its idempotence (counted), never its time.
   */
  private async kept(decision: Decision, storeBy: number): Promise<DecisionOutcome> {
    const answer = await withDeadline(
      this.store.keep(decision, this.config.INGEST_DEDUPE_WINDOW_MS),
      Math.max(STORE_GRACE_MS, storeBy - Date.now()),
      'the decision store',
    ).catch(() => {
      metrics.unstored.inc();
      return decision;
    });
    return this.answered(answer);
  }

  private answered(decision: Decision): DecisionOutcome {
    metrics.decisions.inc({ decision: decision.decision, degraded: decision.degradedReason ?? 'none' });
    return { status: 'decided', decision };
  }

  private fallback(eventId: string, type: string, reason: DegradedReason): Decision {
    return {
      eventId,
      decision: fallbackFor(this.config.DECISION_FALLBACK, type),
      score: null,
      reasons: [{ code: `DEGRADED_${reason.toUpperCase()}` }],
      model: null,
      decidedAt: new Date().toISOString(),
      degraded: true,
      degradedReason: reason,
    };
  }
}

/** The event with its id: the caller's, or a new one (a caller that retries must send its own). */
function withEventId(item: unknown): { item: unknown; eventId: string } {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return { item, eventId: randomUUID() };
  const given = (item as { eventId?: unknown }).eventId;
  if (typeof given === 'string') return { item, eventId: given };
  const eventId = randomUUID();
  return { item: { ...item, eventId }, eventId };
}
