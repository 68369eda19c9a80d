import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { MessageBus, RecordBatch, BatchContext } from '@app/bus';
import { consumerGroup, type TopicMap } from '@app/contracts';
import { APP_CONFIG, MESSAGE_BUS, TOPICS } from '@app/platform';
import type { IngestConfig } from '../ingest.config';
import { MalformedLine } from '../events/request-body.parser';
import { IngestEventsUseCase } from './ingest-events.use-case';

export const RAW_EVENTS_GROUP = 'ingest.raw';

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
      group: consumerGroup(this.config.BUS_TOPIC_PREFIX, RAW_EVENTS_GROUP),
      topics: [this.topics.raw],
      deadLetterTopic: this.topics.invalid,
      handler: (batch, context) => this.handle(batch, context),
    });
  }

  private async handle(batch: RecordBatch, context: BatchContext): Promise<void> {
    const items = batch.records.map((record) => {
      const text = record.value.toString('utf8');
      try {
        return JSON.parse(text) as unknown;
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
