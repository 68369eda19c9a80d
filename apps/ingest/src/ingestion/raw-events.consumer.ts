import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, BusRecord, MessageBus, RecordBatch } from '@app/bus';
import { subscription, type TopicMap } from '@app/contracts';
import { APP_CONFIG, GroupMembership, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { IngestConfig } from '../ingest.config';
import { MalformedLine } from '../events/request-body.parser';
import { IngestEventsUseCase } from './ingest-events.use-case';

/** Events other producers write straight to events.raw: the same validation and enrichment as HTTP. */
@Injectable()
export class RawEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RawEventsConsumer.name);
  private readonly membership: GroupMembership;

  constructor(
    @Inject(MESSAGE_BUS) bus: MessageBus,
    @Inject(TOPICS) topics: TopicMap,
    private readonly ingestEvents: IngestEventsUseCase,
    @Inject(APP_CONFIG) config: IngestConfig,
  ) {
    this.membership = new GroupMembership(
      bus,
      {
        ...subscription('raw', config.BUS_TOPIC_PREFIX),
        deadLetterTopic: topics.invalid,
        handler: (batch, context) => this.handle(batch, context),
      },
      (message) => this.logger.warn(message),
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.membership.join();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.membership.leave();
  }

  private async handle(batch: RecordBatch, context: BatchContext): Promise<void> {
    const items = batch.records.map((record) => {
      const text = record.value.toString('utf8');
      try {
        return withRecordId(JSON.parse(text) as unknown, record);
      } catch (error) {
        return new MalformedLine(text, (error as Error).message);
      }
    });
    // Rejected records become the bus's dead letters, published before this batch is committed.
    await this.ingestEvents.ingest(items, 'events.raw', (index, reasons) => {
      context.deadLetter(batch.records[index], reasons.join('; '));
      return null;
    });
  }
}

/**
 * An event without `eventId` gets one from where it sits on the bus (topic, partition, offset): a
 * redelivery of the record is then the same event, and ingest's dedupe publishes it once. The topic,
 * prefix and all, keeps deployments that share a Redis apart; a topic name too long for an id (128)
 * is replaced by its digest. (Over HTTP, a request has no such position: there the id is random.)
 */
function withRecordId(item: unknown, record: BusRecord): unknown {
  if (item === null || typeof item !== 'object' || Array.isArray(item) || 'eventId' in item) return item;
  const place = `${record.partition}:${record.offset}`;
  const readable = `raw:${record.topic}:${place}`;
  const eventId = readable.length <= 128 ? readable : `raw:${createHash('sha256').update(record.topic).digest('hex').slice(0, 32)}:${place}`;
  return { eventId, ...item };
}
