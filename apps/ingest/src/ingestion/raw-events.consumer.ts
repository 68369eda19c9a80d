import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { BatchContext, BusRecord, MessageBus, RecordBatch } from '@app/bus';
import { ConsumerGroups, consumerGroup, type TopicMap } from '@app/contracts';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { IngestConfig } from '../ingest.config';
import { MalformedLine } from '../events/request-body.parser';
import { IngestEventsUseCase } from './ingest-events.use-case';

/** Events other producers write straight to events.raw: the same validation and enrichment as HTTP. */
@Injectable()
export class RawEventsConsumer implements OnApplicationBootstrap {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(TOPICS) private readonly topics: TopicMap,
    private readonly ingestEvents: IngestEventsUseCase,
    @Inject(APP_CONFIG) private readonly config: IngestConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The bus owns the consumer from here: closing it at shutdown drains and commits the batch in hand.
    await this.bus.consume({
      group: consumerGroup(this.config.BUS_TOPIC_PREFIX, ConsumerGroups.raw),
      topics: [this.topics.raw],
      deadLetterTopic: this.topics.invalid,
      handler: (batch, context) => this.handle(batch, context),
    });
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
