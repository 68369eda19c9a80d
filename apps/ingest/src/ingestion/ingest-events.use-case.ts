import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransientError, describeError, type MessageBus, type OutgoingRecord } from '@app/bus';
import { EventValidator, enrichedEventCodec, type EnrichedEvent, type EventIn, type TopicMap } from '@app/contracts';
import { EnrichmentPipeline } from '@app/enrichment';
import { APP_CONFIG, MESSAGE_BUS, TOPICS, withDeadline } from '@app/platform';
import { SeenEventsRepository } from '../dedupe/seen-events.repository';
import { MalformedLine } from '../events/request-body.parser';
import type { IngestConfig } from '../ingest.config';
import { countIngested, countRejection } from './ingest-metrics';

/** What became of each event sent, and the counts: POST /v1/events' answer (schema and type). */
export const ingestOutcomeSchema = z.object({
  accepted: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  rejected: z.number().int().min(0),
  results: z.array(
    z.union([
      z.object({ index: z.number().int(), eventId: z.string(), status: z.enum(['accepted', 'duplicate']) }),
      z.object({ index: z.number().int(), status: z.literal('rejected'), reasons: z.array(z.string()) }),
    ]),
  ),
});

export type IngestOutcome = z.infer<typeof ingestOutcomeSchema>;
export type EventResult = IngestOutcome['results'][number];

/**
 * Where a rejected event goes: HTTP publishes it to events.invalid with the others (returns the
 * record); the events.raw consumer hands it to the bus as a dead letter (returns null).
 */
export type RejectionSink = (index: number, reasons: string[]) => OutgoingRecord | null;

/** How one call publishes: what its records carry, and how long its Redis lookups may take. */
export interface IngestOptions {
  /** Headers for every accepted event's record (a decision's reply channel). */
  headers?: Record<string, string>;
  /**
   * Longest the dedupe and reference-data lookups may take before the events go on without them, as
   * they do when Redis fails: a caller with a deadline must not spend it on a store that is restarting.
   */
  lookupBudgetMs?: number;
}

/** The bus did not take the events in time, or refused more: the caller should retry later. */
export class IngestUnavailableError extends TransientError {}

/**
 * Validate, drop duplicates, enrich, publish. Shared by POST /v1/events and the events.raw consumer.
 * Resolves only once the bus durably holds every accepted and every rejected event.
 */
@Injectable()
export class IngestEventsUseCase {
  private readonly logger = new Logger(IngestEventsUseCase.name);
  private readonly validator: EventValidator;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(TOPICS) private readonly topics: TopicMap,
    @Inject(APP_CONFIG) private readonly config: IngestConfig,
    private readonly enrichment: EnrichmentPipeline,
    private readonly seenEvents: SeenEventsRepository,
  ) {
    this.validator = new EventValidator(Date.now, { maxFutureMs: config.EVENT_MAX_FUTURE_MS, maxAgeMs: config.EVENT_MAX_AGE_DAYS * 86_400_000 });
  }

  async ingest(items: unknown[], source: EnrichedEvent['source'], reject: RejectionSink, options: IngestOptions = {}): Promise<IngestOutcome> {
    const receivedAt = new Date().toISOString();
    const results: EventResult[] = new Array(items.length);
    const rejections: OutgoingRecord[] = [];
    const fresh: Array<{ index: number; event: EventIn; eventId: string }> = [];
    const idsInBatch = new Set<string>();

    items.forEach((item, index) => {
      const validation = item instanceof MalformedLine ? { ok: false as const, reasons: [`not valid JSON: ${item.reason}`] } : this.validator.validate(item);
      if (!validation.ok) {
        results[index] = { index, status: 'rejected', reasons: validation.reasons };
        countRejection(source, validation.reasons);
        const record = reject(index, validation.reasons);
        if (record) rejections.push(record);
        return;
      }
      const event = validation.event;
      const eventId = event.eventId ?? randomUUID();
      if (idsInBatch.has(eventId)) {
        results[index] = { index, eventId, status: 'duplicate' };
        return;
      }
      idsInBatch.add(eventId);
      fresh.push({ index, event, eventId });
    });

    const budget = <T>(lookup: Promise<T>, what: string) =>
      options.lookupBudgetMs === undefined ? lookup : withDeadline(lookup, options.lookupBudgetMs, what);
    // With a budget, a lookup past it is expected under load: a line per event would add to the load.
    const lookupFailed = (message: string) => (options.lookupBudgetMs === undefined ? this.logger.warn(message) : this.logger.debug(message));
    // On Redis Streams the bus drops copies as it appends (publishOnce); elsewhere, dedupe and
    // enrichment's lookups at once: one round trip of latency instead of two (the rare duplicate is
    // enriched for nothing). A source that fails leaves its events flagged, not refused.
    const dedupedByBus = this.bus.publishOnce !== undefined;
    const [seen, enrichments] = await Promise.all([
      dedupedByBus
        ? fresh.map(() => false)
        : budget(
            this.seenEvents.seen(
              fresh.map((f) => f.eventId),
              this.config.INGEST_DEDUPE_WINDOW_MS,
            ),
            'the dedupe lookup',
          ).catch((error) => {
            lookupFailed(`dedupe lookup failed, publishing without it: ${describeError(error)}`);
            return fresh.map(() => false);
          }),
      this.enrichment.enrichBatch(
        fresh.map((f) => f.event),
        { bound: budget, onLookupFailed: (step, error) => lookupFailed(`${step} unavailable, events flagged: ${describeError(error)}`) },
      ),
    ]);
    const sent: Array<{ index: number; eventId: string }> = [];
    const enriched: Array<OutgoingRecord & { id: string }> = [];
    fresh.forEach(({ index, event, eventId }, i) => {
      if (seen[i]) return void (results[index] = { index, eventId, status: 'duplicate' });
      sent.push({ index, eventId });
      enriched.push({
        id: eventId,
        key: event.userId,
        value: enrichedEventCodec.encode({ ...event, eventId, receivedAt, source, ...enrichments[i] }),
        headers: options.headers,
      });
    });

    const appended = await this.publish(enriched, rejections);
    const published: string[] = [];
    sent.forEach(({ index, eventId }, i) => {
      results[index] = { index, eventId, status: appended[i] ? 'accepted' : 'duplicate' };
      if (appended[i]) published.push(eventId);
    });
    if (!dedupedByBus) {
      const remembered = budget(this.seenEvents.remember(published, this.config.INGEST_DEDUPE_WINDOW_MS), 'remembering the ids').catch((error) => {
        lookupFailed(`could not remember published event ids: ${describeError(error)}`);
      });
      // The events are stored: a caller with a deadline does not wait for their ids to be remembered too.
      if (options.lookupBudgetMs === undefined) await remembered;
    }

    const count = (status: string) => results.filter((r) => r.status === status).length;
    const outcome = { accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), results };
    countIngested(source, outcome);
    return outcome;
  }

  /** Publishes the events and the rejections; resolves to which events were appended (false: a copy the bus dropped). */
  private async publish(enriched: Array<OutgoingRecord & { id: string }>, rejections: OutgoingRecord[]): Promise<boolean[]> {
    const events = this.bus.publishOnce
      ? this.bus.publishOnce(this.topics.enriched, enriched, this.config.INGEST_DEDUPE_WINDOW_MS)
      : this.bus.publish(this.topics.enriched, enriched).then(() => enriched.map(() => true));
    try {
      const [appended] = await withDeadline(
        Promise.all([events, this.bus.publish(this.topics.invalid, rejections)]),
        this.config.INGEST_PUBLISH_TIMEOUT_MS,
        'the bus',
      );
      return appended;
    } catch (error) {
      throw new IngestUnavailableError(`events not accepted: ${describeError(error)}`, { cause: error });
    }
  }
}
